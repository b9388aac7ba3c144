/* output_file.c: temporary file + rename, so a failed write never leaves a half-written file. */
#include "output_file.h"

#include "engine/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether path is something other than a regular file that may be replaced: anything under /dev or
 * /proc, or an existing file of another type. */
static bool is_special(const char *path)
{
    if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0)
        return true;
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int basin_output_open(basin_output_file *f, const char *path, FILE *stdout_stream)
{
    *f = (basin_output_file){0};
    if (strcmp(path, "-") == 0) {
        f->stream = stdout_stream;
        return 0;
    }
    if (is_special(path)) {
        /* A device, FIFO or descriptor (/dev/stdout, /dev/null, a pipe): write to it directly;
         * renaming a temporary file over it would replace the node or the link itself. */
        f->stream = fopen(path, "a"); /* "a": a redirected stdout keeps what it holds */
        if (!f->stream) {
            basin_error_set("cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        f->direct = true;
        return 0;
    }
    /* Through a symbolic link, the rename targets the file it names, so that the link survives. */
    char *real = realpath(path, NULL);
    f->path = strdup(real ? real : path);
    free(real);
    size_t len = f->path ? strlen(f->path) : 0;
    f->temp_path = malloc(len + sizeof ".tmp.XXXXXX");
    if (!f->path || !f->temp_path) {
        basin_error_set("out of memory opening '%s'", path);
        goto fail;
    }
    memcpy(f->temp_path, f->path, len);
    memcpy(f->temp_path + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(f->temp_path);
    if (fd < 0) {
        basin_error_set("cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    mode_t mask = umask(0); /* mkstemp makes 0600; give the file the mode a plain open would */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    f->stream = fdopen(fd, "w");
    if (!f->stream) {
        basin_error_set("cannot write '%s': %s", path, strerror(errno));
        close(fd);
        unlink(f->temp_path);
        goto fail;
    }
    return 0;
fail:
    free(f->path);
    free(f->temp_path);
    *f = (basin_output_file){0};
    return -1;
}

static void release(basin_output_file *f)
{
    free(f->path);
    free(f->temp_path);
    *f = (basin_output_file){0};
}

int basin_output_commit(basin_output_file *f)
{
    if (f->direct) {
        int bad = ferror(f->stream);
        bad = (fclose(f->stream) != 0) || bad;
        if (bad)
            basin_error_set("cannot write: %s", strerror(errno ? errno : EIO));
        release(f);
        return bad ? -1 : 0;
    }
    if (!f->path) {
        int bad = fflush(f->stream) != 0 || ferror(f->stream);
        if (bad)
            basin_error_set("cannot write to standard output: %s", strerror(errno));
        release(f);
        return bad ? -1 : 0;
    }
    int bad = ferror(f->stream);
    bad = (fclose(f->stream) != 0) || bad;
    if (bad || rename(f->temp_path, f->path) != 0) {
        basin_error_set("cannot write '%s': %s", f->path, strerror(errno ? errno : EIO));
        unlink(f->temp_path);
        release(f);
        return -1;
    }
    release(f);
    return 0;
}

void basin_output_abort(basin_output_file *f)
{
    if (f->direct)
        fclose(f->stream);
    if (f->path) {
        fclose(f->stream);
        unlink(f->temp_path);
    }
    release(f);
}
