/* npy.c: the .npy header is a Python dict literal; we write exactly NumPy's layout and read back any
 * version-1/2/3 header with the keys descr, fortran_order and shape in any order. */
#include "npy.h"

#include "engine/error.h"
#include "output_file.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

int basin_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape, bool as_integer)
{
    char dims[256] = "";
    size_t used = 0, count = 1;
    for (size_t i = 0; i < ndim; i++) {
        used += (size_t)snprintf(dims + used, sizeof dims - used, "%zu,%s", shape[i], i + 1 < ndim ? " " : "");
        count *= shape[i];
    }
    if (ndim > 1)
        dims[used - 1] = '\0'; /* (3, 4) but (3,) */
    char header[512];
    int len = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                       as_integer ? "<i8" : "<f8", dims);
    /* Pad with spaces and a newline so the data starts on a 64-byte boundary, as NumPy does. */
    size_t total = 10 + (size_t)len + 1, padded = (total + 63) / 64 * 64;
    memset(header + len, ' ', padded - total);
    header[padded - 11] = '\n';
    uint16_t hlen = (uint16_t)(padded - 10);
    unsigned char prefix[10] = {0};
    memcpy(prefix, magic, 6);
    prefix[6] = 1, prefix[7] = 0, prefix[8] = (unsigned char)(hlen & 0xff), prefix[9] = (unsigned char)(hlen >> 8);

    basin_output_file f;
    if (basin_output_open(&f, path, stdout) != 0)
        return -1;
    bool ok = fwrite(prefix, 1, 10, f.stream) == 10 && fwrite(header, 1, hlen, f.stream) == hlen;
    for (size_t i = 0; ok && i < count; i++) {
        unsigned char bytes[8];
        uint64_t bits;
        if (as_integer) {
            int64_t v = (int64_t)llround(data[i]);
            memcpy(&bits, &v, 8);
        } else {
            memcpy(&bits, &data[i], 8);
        }
        for (int b = 0; b < 8; b++)
            bytes[b] = (unsigned char)(bits >> (8 * b));
        ok = fwrite(bytes, 1, 8, f.stream) == 8;
    }
    if (!ok) {
        basin_output_abort(&f);
        basin_error_set("%s: write failed", path);
        return -1;
    }
    return basin_output_commit(&f);
}

/* The value text of 'key' in a header dict, or NULL. */
static const char *dict_value(const char *header, const char *key)
{
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", key);
    const char *at = strstr(header, quoted);
    if (!at)
        return NULL;
    at += strlen(quoted);
    while (*at == ' ')
        at++;
    if (*at++ != ':')
        return NULL;
    while (*at == ' ')
        at++;
    return at;
}

static int parse_header(const char *path, const char *header, bool *integer, size_t *ndim, size_t *shape)
{
    const char *descr = dict_value(header, "descr"), *order = dict_value(header, "fortran_order"),
               *dims = dict_value(header, "shape");
    if (!descr || !order || !dims || *dims != '(') {
        basin_error_set("%s: not a .npy header (descr, fortran_order and shape expected)", path);
        return -1;
    }
    if (strncmp(descr, "'<f8'", 5) == 0)
        *integer = false;
    else if (strncmp(descr, "'<i8'", 5) == 0)
        *integer = true;
    else {
        basin_error_set("%s: dtype %.8s is not little-endian float64 ('<f8') or int64 ('<i8')", path, descr);
        return -1;
    }
    if (strncmp(order, "False", 5) != 0) {
        basin_error_set("%s: Fortran-order arrays are not supported; save with numpy's default C order", path);
        return -1;
    }
    *ndim = 0;
    const char *s = dims + 1;
    for (;;) {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || errno || *ndim == BASIN_NPY_MAX_DIMS) {
            basin_error_set("%s: bad shape in the header", path);
            return -1;
        }
        shape[(*ndim)++] = (size_t)v;
        s = end;
    }
    return 0;
}

/* An open .npy file positioned at its data: its type and shape, checked against the file's size. */
typedef struct npy_file {
    FILE *f;
    bool integer;
    size_t ndim, shape[BASIN_NPY_MAX_DIMS], count;
} npy_file;

/* Opens path (a regular file), reads and checks its header, and checks that the file holds exactly the
 * values its shape says, before anything is allocated for them. Returns 0, or -1 with a message. */
static int npy_open(const char *path, npy_file *n)
{
    *n = (npy_file){0};
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        basin_error_set("%s: not a regular file", path);
        return -1;
    }
    if (!(n->f = fopen(path, "rb"))) {
        basin_error_set("%s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char prefix[12];
    char *header = NULL;
    size_t hlen = 0, start = 10;
    int rc = -1;
    if (fread(prefix, 1, 10, n->f) != 10 || memcmp(prefix, magic, 6) != 0 || prefix[6] < 1 || prefix[6] > 3) {
        basin_error_set("%s: not a .npy file", path);
        goto done;
    }
    hlen = (size_t)prefix[8] | (size_t)prefix[9] << 8;
    if (prefix[6] >= 2) {
        if (fread(prefix + 10, 1, 2, n->f) != 2) {
            basin_error_set("%s: truncated header", path);
            goto done;
        }
        hlen |= (size_t)prefix[10] << 16 | (size_t)prefix[11] << 24;
        start = 12;
    }
    if (hlen > 1 << 20 || !(header = calloc(hlen + 1, 1)) || fread(header, 1, hlen, n->f) != hlen) {
        basin_error_set("%s: truncated or oversized header", path);
        goto done;
    }
    if (memchr(header, '\0', hlen)) {
        basin_error_set("%s: the header holds a NUL byte", path);
        goto done;
    }
    if (parse_header(path, header, &n->integer, &n->ndim, n->shape) != 0)
        goto done;
    n->count = 1;
    for (size_t i = 0; i < n->ndim; i++) {
        if (n->shape[i] && n->count > SIZE_MAX / 8 / n->shape[i]) {
            basin_error_set("%s: its shape holds more values than any file can", path);
            goto done;
        }
        n->count *= n->shape[i];
    }
    off_t data_bytes = st.st_size - (off_t)(start + hlen);
    if (data_bytes < 0 || (uint64_t)data_bytes != (uint64_t)n->count * 8) {
        basin_error_set("%s: holds %s values than its shape says (%lld bytes for %zu values)", path,
                        data_bytes < 0 || (uint64_t)data_bytes < (uint64_t)n->count * 8 ? "fewer" : "more",
                        (long long)(data_bytes < 0 ? 0 : data_bytes), n->count);
        goto done;
    }
    rc = 0;
done:
    free(header);
    if (rc != 0) {
        fclose(n->f);
        n->f = NULL;
    }
    return rc;
}

/* Reads the n->count values into dest and closes the file. Returns 0, or -1 with a message. */
static int npy_values(const char *path, npy_file *n, double *dest)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n->count; i++) {
        unsigned char b[8];
        if (fread(b, 1, 8, n->f) != 8) {
            basin_error_set("%s: %s", path, ferror(n->f) ? strerror(errno) : "ended early");
            rc = -1;
            break;
        }
        uint64_t bits = 0;
        for (int k = 0; k < 8; k++)
            bits |= (uint64_t)b[k] << (8 * k);
        if (n->integer) {
            int64_t v;
            memcpy(&v, &bits, 8);
            dest[i] = (double)v;
        } else {
            memcpy(&dest[i], &bits, 8);
        }
    }
    fclose(n->f);
    n->f = NULL;
    return rc;
}

int basin_npy_read(const char *path, double **data, size_t *ndim, size_t shape[BASIN_NPY_MAX_DIMS])
{
    *data = NULL;
    npy_file n;
    if (npy_open(path, &n) != 0)
        return -1;
    *ndim = n.ndim;
    memcpy(shape, n.shape, sizeof n.shape);
    if (!(*data = malloc((n.count ? n.count : 1) * sizeof **data))) {
        fclose(n.f);
        basin_error_set("%s: out of memory for %zu values", path, n.count);
        return -1;
    }
    if (npy_values(path, &n, *data) != 0) {
        free(*data);
        *data = NULL;
        return -1;
    }
    return 0;
}

/* "(3, 4)" for a shape. */
static void shape_text(char *buf, size_t size, size_t ndim, const size_t *shape)
{
    size_t used = (size_t)snprintf(buf, size, "(");
    for (size_t i = 0; i < ndim && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%zu", i ? ", " : "", shape[i]);
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

int basin_npy_read_shaped(const char *path, const char *what, size_t ndim, const size_t *shape, double *dest)
{
    npy_file n;
    if (npy_open(path, &n) != 0)
        return -1;
    bool same = n.ndim == ndim;
    for (size_t k = 0; same && k < ndim; k++)
        same = n.shape[k] == shape[k];
    if (!same) {
        char want[128], got[128];
        shape_text(want, sizeof want, ndim, shape);
        shape_text(got, sizeof got, n.ndim, n.shape);
        basin_error_set("%s: shape %s but the model's %s is %s", path, got, what, want);
        fclose(n.f);
        return -1;
    }
    if (npy_values(path, &n, dest) != 0)
        return -1;
    for (size_t i = 0; i < n.count; i++)
        if (!isfinite(dest[i])) {
            basin_error_set("%s: value %zu is %s; Basin loads finite values only", path, i,
                            isnan(dest[i]) ? "NaN" : dest[i] > 0 ? "+inf" : "-inf");
            return -1;
        }
    return 0;
}
