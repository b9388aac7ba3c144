/* output_file.c: temporary file (or folder) + rename, so a failed or interrupted write never leaves a
 * half-written output; the temporaries still open are listed so that a signal handler can remove them. */
#include "output_file.h"

#include "engine/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- the temporaries a signal must remove: fixed storage, read by the handler without locks ---- */

enum { PENDING_MAX = 512, PENDING_PATH = 4200 };
enum { PENDING_FREE, PENDING_FILE, PENDING_FOLDER };
static char pending[PENDING_MAX][PENDING_PATH];
static volatile sig_atomic_t pending_kind[PENDING_MAX];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

/* Lists path; returns its slot, or -1 when the list is full (the temporary then stays on a signal). */
static int pending_add(const char *path, int kind)
{
    int slot = -1;
    pthread_mutex_lock(&pending_lock);
    for (int i = 0; i < PENDING_MAX && slot < 0; i++)
        if (pending_kind[i] == PENDING_FREE && strlen(path) < PENDING_PATH) {
            memcpy(pending[i], path, strlen(path) + 1);
            pending_kind[i] = kind;
            slot = i;
        }
    pthread_mutex_unlock(&pending_lock);
    return slot;
}

static void pending_drop(int slot)
{
    if (slot >= 0)
        pending_kind[slot] = PENDING_FREE;
}

/* Blocks the signals that remove temporaries while one is created and listed, so none is missed. */
static void hold_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT), sigaddset(&set, SIGTERM), sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

/* A directory entry as the getdents64 system call returns it (the kernel's struct linux_dirent64). */
struct raw_dirent {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Async-signal-safe (open, getdents64, unlinkat, rmdir): the files a folder holds, then the folder. Passes
 * repeat from the start, as removing entries while reading them may skip some. */
static void remove_tree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int pass = 0; fd >= 0 && pass < 4; pass++) {
        char buf[4096];
        long n;
        bool removed = false;
        lseek(fd, 0, SEEK_SET);
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
            for (long at = 0; at < n;) {
                const struct raw_dirent *e = (const struct raw_dirent *)(buf + at);
                bool dots = e->name[0] == '.' && (e->name[1] == '\0' || (e->name[1] == '.' && e->name[2] == '\0'));
                if (!dots && unlinkat(fd, e->name, 0) == 0)
                    removed = true;
                at += e->reclen;
            }
        if (!removed)
            break;
    }
    if (fd >= 0)
        close(fd);
    rmdir(path);
}

/* Async-signal-safe: unlink, and folders with what they hold; files before folders. */
static void remove_pending(void)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending_kind[i] == PENDING_FILE)
            unlink(pending[i]);
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending_kind[i] == PENDING_FOLDER)
            remove_tree(pending[i]);
}

static void on_signal(int sig)
{
    remove_pending();
    signal(sig, SIG_DFL);
    raise(sig);
}

void basin_output_remove_on_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) {
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(signals[i], &sa, NULL);
    }
}

/* ---- paths ---- */

/* Whether path names a descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N): written directly, in append
 * mode, so that a redirected stdout keeps what it holds. */
static bool is_descriptor(const char *path)
{
    return strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/", 6) == 0 || strcmp(path, "/dev/stdout") == 0 ||
           strcmp(path, "/dev/stderr") == 0;
}

/* mkdir -p. Returns 0, or -1 with a message. */
static int make_dir(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        basin_error_set("%s: path too long", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                basin_error_set("%s: cannot create: %s", path, strerror(errno));
                return -1;
            }
            if (end)
                break;
            *p = '/';
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        basin_error_set("%s: not a folder", dir);
        return -1;
    }
    return 0;
}

/* The file a path finally names: through symbolic links, a dangling one included (so that the link
 * survives and its target is written). Returns a new string, or NULL. */
static char *target_of(const char *path)
{
    char *real = realpath(path, NULL);
    if (real)
        return real;
    char link[PATH_MAX];
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n <= 0)
        return strdup(path);
    link[n] = '\0';
    if (link[0] == '/')
        return strdup(link);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    char *joined = malloc(dir + (size_t)n + 1);
    if (joined) {
        memcpy(joined, path, dir);
        memcpy(joined + dir, link, (size_t)n + 1);
    }
    return joined;
}

int basin_output_check(const char *option, const char *path, bool folder)
{
    if (!*path) {
        basin_error_set("%s '': an empty path", option);
        return -1;
    }
    if (!folder && strcmp(path, "-") == 0)
        return 0;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (folder != S_ISDIR(st.st_mode)) {
            basin_error_set("%s '%s': %s", option, path, folder ? "not a folder" : "a folder, not a file");
            return -1;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            return access(path, W_OK) == 0 ? 0 : (basin_error_set("%s '%s': %s", option, path, strerror(errno)), -1);
    }
    /* the folder it goes in: a file's must exist; a folder is created with its parents, so its nearest
     * existing ancestor must be a writable folder */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    for (;;) {
        char *slash = strrchr(parent, '/');
        if (!slash)
            snprintf(parent, sizeof parent, ".");
        else if (slash == parent)
            parent[1] = '\0';
        else
            *slash = '\0';
        if (!folder || stat(parent, &st) == 0 || strcmp(parent, ".") == 0 || strcmp(parent, "/") == 0)
            break;
    }
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode) || access(parent, W_OK | X_OK) != 0) {
        basin_error_set("%s '%s': cannot write in '%s': %s", option, path, parent,
                        stat(parent, &st) != 0 ? strerror(errno) : !S_ISDIR(st.st_mode) ? "not a folder" : strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- files ---- */

int basin_output_open(basin_output_file *f, const char *path, FILE *stdout_stream)
{
    *f = (basin_output_file){.slot = -1};
    if (strcmp(path, "-") == 0) {
        f->stream = stdout_stream;
        return 0;
    }
    if (!*path) {
        basin_error_set("cannot write '': an empty path");
        return -1;
    }
    struct stat st;
    if (is_descriptor(path) || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
        /* A device, FIFO or descriptor (/dev/null, a pipe, a terminal): write to it directly; renaming a
         * temporary file over it would replace the node or the link itself. */
        f->stream = fopen(path, "a");
        if (!f->stream) {
            basin_error_set("cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        f->direct = true;
        return 0;
    }
    f->path = target_of(path);
    size_t len = f->path ? strlen(f->path) : 0;
    f->temp_path = malloc(len + sizeof ".tmp.XXXXXX");
    if (!f->path || !f->temp_path) {
        basin_error_set("out of memory opening '%s'", path);
        goto fail;
    }
    memcpy(f->temp_path, f->path, len);
    memcpy(f->temp_path + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    sigset_t held;
    hold_signals(&held);
    int fd = mkstemp(f->temp_path);
    if (fd >= 0)
        f->slot = pending_add(f->temp_path, PENDING_FILE);
    pthread_sigmask(SIG_SETMASK, &held, NULL);
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
        pending_drop(f->slot);
        goto fail;
    }
    return 0;
fail:
    free(f->path);
    free(f->temp_path);
    *f = (basin_output_file){.slot = -1};
    return -1;
}

static void release(basin_output_file *f)
{
    pending_drop(f->slot);
    free(f->path);
    free(f->temp_path);
    *f = (basin_output_file){.slot = -1};
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

int basin_output_fail(basin_output_file *f, const char *path)
{
    char message[512];
    snprintf(message, sizeof message, "%s", basin_error_message());
    basin_error_set("%s: %s", path, message);
    basin_output_abort(f);
    return -1;
}

/* ---- folders ---- */

/* Removes a folder and everything in it (not following symbolic links). */
static void remove_folder(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        char *file = malloc(PENDING_PATH + 256);
        for (struct dirent *e; file && (e = readdir(d));) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(file, PENDING_PATH + 256, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(file, &st) == 0 && S_ISDIR(st.st_mode))
                remove_folder(file);
            else
                unlink(file);
        }
        free(file);
        closedir(d);
    }
    rmdir(path);
}

int basin_output_dir_open(basin_output_dir *d, const char *path)
{
    *d = (basin_output_dir){.slot = -1};
    if (!*path) {
        basin_error_set("cannot write '': an empty path");
        return -1;
    }
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
        if (make_dir(parent) != 0)
            return -1;
    }
    size_t len = strlen(path);
    d->path = strdup(path);
    d->temp_path = malloc(len + sizeof ".tmp.XXXXXX");
    if (!d->path || !d->temp_path) {
        free(d->path), free(d->temp_path);
        *d = (basin_output_dir){.slot = -1};
        basin_error_set("out of memory");
        return -1;
    }
    memcpy(d->temp_path, path, len);
    memcpy(d->temp_path + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    sigset_t held;
    hold_signals(&held);
    bool made = mkdtemp(d->temp_path) != NULL;
    if (made)
        d->slot = pending_add(d->temp_path, PENDING_FOLDER);
    pthread_sigmask(SIG_SETMASK, &held, NULL);
    if (!made) {
        basin_error_set("cannot write '%s': %s", path, strerror(errno));
        free(d->path), free(d->temp_path);
        *d = (basin_output_dir){.slot = -1};
        return -1;
    }
    mode_t mask = umask(0); /* mkdtemp makes 0700; give the folder the mode a plain mkdir would */
    umask(mask);
    chmod(d->temp_path, 0777 & ~mask);
    return 0;
}

const char *basin_output_dir_file(basin_output_dir *d, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", d->temp_path, name);
    if (d->n_files < sizeof d->files / sizeof *d->files)
        d->files[d->n_files++] = pending_add(buf, PENDING_FILE);
    return buf;
}

static void dir_release(basin_output_dir *d)
{
    for (size_t i = 0; i < d->n_files; i++)
        pending_drop(d->files[i]);
    pending_drop(d->slot);
    free(d->path), free(d->temp_path);
    *d = (basin_output_dir){.slot = -1};
}

int basin_output_dir_commit(basin_output_dir *d)
{
    struct stat st;
    char *old = NULL;
    if (lstat(d->path, &st) == 0) {
        /* an older folder of that name steps aside first, and goes once the new one is in place */
        size_t len = strlen(d->path);
        old = malloc(len + sizeof ".old.XXXXXX");
        if (old) {
            memcpy(old, d->path, len);
            memcpy(old + len, ".old.XXXXXX", sizeof ".old.XXXXXX");
        }
        if (!S_ISDIR(st.st_mode) || !old || !mkdtemp(old) || rmdir(old) != 0 || rename(d->path, old) != 0) {
            basin_error_set("cannot replace '%s': %s", d->path, S_ISDIR(st.st_mode) ? strerror(errno) : "not a folder");
            free(old);
            remove_folder(d->temp_path);
            dir_release(d);
            return -1;
        }
    }
    if (rename(d->temp_path, d->path) != 0) {
        basin_error_set("cannot write '%s': %s", d->path, strerror(errno));
        if (old)
            rename(old, d->path);
        free(old);
        remove_folder(d->temp_path);
        dir_release(d);
        return -1;
    }
    if (old)
        remove_folder(old);
    free(old);
    dir_release(d);
    return 0;
}

void basin_output_dir_abort(basin_output_dir *d)
{
    if (d->temp_path)
        remove_folder(d->temp_path);
    dir_release(d);
}

/* ---- sets of files ---- */

int basin_output_set_open(basin_output_set *set, const char *dir)
{
    *set = (basin_output_set){.slot = -1};
    if (make_dir(dir) != 0)
        return -1;
    size_t len = strlen(dir);
    set->dir = strdup(dir);
    set->temp_dir = malloc(len + sizeof "/.basin-set.XXXXXX");
    if (!set->dir || !set->temp_dir) {
        free(set->dir), free(set->temp_dir);
        *set = (basin_output_set){.slot = -1};
        basin_error_set("out of memory");
        return -1;
    }
    memcpy(set->temp_dir, dir, len);
    memcpy(set->temp_dir + len, "/.basin-set.XXXXXX", sizeof "/.basin-set.XXXXXX");
    sigset_t held;
    hold_signals(&held);
    bool made = mkdtemp(set->temp_dir) != NULL;
    if (made)
        set->slot = pending_add(set->temp_dir, PENDING_FOLDER);
    pthread_sigmask(SIG_SETMASK, &held, NULL);
    if (!made) {
        basin_error_set("cannot write in '%s': %s", dir, strerror(errno));
        free(set->dir), free(set->temp_dir);
        *set = (basin_output_set){.slot = -1};
        return -1;
    }
    return 0;
}

const char *basin_output_set_file(const basin_output_set *set, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", set->temp_dir, name);
    return buf;
}

static void set_release(basin_output_set *set)
{
    pending_drop(set->slot);
    free(set->dir), free(set->temp_dir);
    *set = (basin_output_set){.slot = -1};
}

int basin_output_set_commit(basin_output_set *set)
{
    DIR *d = opendir(set->temp_dir);
    int rc = d ? 0 : -1;
    if (!d)
        basin_error_set("cannot read '%s': %s", set->temp_dir, strerror(errno));
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/%s", set->temp_dir, e->d_name);
        snprintf(to, sizeof to, "%s/%s", set->dir, e->d_name);
        if (rename(from, to) != 0) {
            basin_error_set("cannot write '%s': %s", to, strerror(errno));
            rc = -1;
        }
    }
    if (d)
        closedir(d);
    remove_folder(set->temp_dir); /* empty unless a move failed */
    set_release(set);
    return rc;
}

void basin_output_set_abort(basin_output_set *set)
{
    if (set->temp_dir)
        remove_folder(set->temp_dir);
    set_release(set);
}
