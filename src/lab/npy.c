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

int basin_npy_read(const char *path, double **data, size_t *ndim, size_t shape[BASIN_NPY_MAX_DIMS])
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        basin_error_set("%s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char prefix[12];
    char *header = NULL;
    int rc = -1;
    size_t hlen = 0;
    if (fread(prefix, 1, 10, f) != 10 || memcmp(prefix, magic, 6) != 0 || prefix[6] < 1 || prefix[6] > 3) {
        basin_error_set("%s: not a .npy file", path);
        goto done;
    }
    hlen = (size_t)prefix[8] | (size_t)prefix[9] << 8;
    if (prefix[6] >= 2) {
        if (fread(prefix + 10, 1, 2, f) != 2) {
            basin_error_set("%s: truncated header", path);
            goto done;
        }
        hlen |= (size_t)prefix[10] << 16 | (size_t)prefix[11] << 24;
    }
    if (hlen > 1 << 20 || !(header = calloc(hlen + 1, 1)) || fread(header, 1, hlen, f) != hlen) {
        basin_error_set("%s: truncated or oversized header", path);
        goto done;
    }
    bool integer;
    if (parse_header(path, header, &integer, ndim, shape) != 0)
        goto done;
    size_t count = 1;
    for (size_t i = 0; i < *ndim; i++)
        count *= shape[i];
    if (!(*data = malloc((count ? count : 1) * sizeof **data))) {
        basin_error_set("%s: out of memory for %zu values", path, count);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned char b[8];
        if (fread(b, 1, 8, f) != 8) {
            basin_error_set("%s: holds fewer values than its shape says (%zu of %zu)", path, i, count);
            goto done;
        }
        uint64_t bits = 0;
        for (int k = 0; k < 8; k++)
            bits |= (uint64_t)b[k] << (8 * k);
        if (integer) {
            int64_t v;
            memcpy(&v, &bits, 8);
            (*data)[i] = (double)v;
        } else {
            memcpy(&(*data)[i], &bits, 8);
        }
    }
    if (fgetc(f) != EOF) {
        basin_error_set("%s: holds more values than its shape says", path);
        goto done;
    }
    rc = 0;
done:
    if (rc != 0) {
        free(*data);
        *data = NULL;
    }
    free(header);
    fclose(f);
    return rc;
}
