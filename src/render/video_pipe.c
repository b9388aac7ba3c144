/* video_pipe.c: ffmpeg started with fork and exec, frames written to its standard input as rgb24, its
 * errors kept in a temporary file for the message. It dies with Basin (PR_SET_PDEATHSIG) and in a process
 * group of its own (a terminal's ^C reaches Basin only): interrupted, Basin removes its temporary file and
 * ffmpeg never finishes writing it. */
#include "video_pipe.h"

#include "engine/error.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct basin_video {
    pid_t pid;
    int input;          /* the pipe into ffmpeg's standard input */
    FILE *errors;       /* ffmpeg's standard error */
    int w, h;
    unsigned char *row; /* one row as rgb24 */
    struct sigaction old_pipe;
};

/* ffmpeg's last line of error, or what else went wrong. */
static void say_ffmpeg_failed(basin_video *v, const char *what)
{
    char line[256] = "", last[256] = "";
    rewind(v->errors);
    while (fgets(line, sizeof line, v->errors))
        if (line[0] != '\n')
            snprintf(last, sizeof last, "%s", line);
    last[strcspn(last, "\n")] = '\0';
    basin_error_set("ffmpeg %s%s%s", what, *last ? ": " : "", last);
}

basin_video *basin_video_open(const char *path, basin_video_format format, int w, int h, double fps)
{
    basin_video *v = calloc(1, sizeof *v);
    if (!v || !(v->row = malloc((size_t)w * 3)) || !(v->errors = tmpfile())) {
        if (v)
            free(v->row), free(v);
        basin_error_set("cannot start ffmpeg: %s", strerror(errno));
        return NULL;
    }
    v->w = w, v->h = h, v->input = -1;
    char size[32], rate[32];
    snprintf(size, sizeof size, "%dx%d", w, h);
    snprintf(rate, sizeof rate, "%.9g", fps);
    const char *mp4[] = {"-c:v", "libx264", "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags",
                         "+faststart", "-f", "mp4", NULL};
    const char *webm[] = {"-c:v", "libvpx-vp9", "-crf", "32", "-b:v", "0", "-deadline", "good", "-cpu-used", "4",
                          "-pix_fmt", "yuv420p", "-f", "webm", NULL};
    const char *argv[64] = {"ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                            "rgb24", "-video_size", size, "-framerate", rate, "-i", "pipe:0", "-an",
                            /* bit-exact: no version strings or random ids, so the same frames give the same bytes */
                            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"};
    size_t n = 0;
    while (argv[n])
        n++;
    for (const char **a = format == BASIN_VIDEO_MP4 ? mp4 : webm; *a; a++)
        argv[n++] = *a;
    argv[n++] = "-y";
    argv[n++] = path;
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) != 0) {
        basin_error_set("cannot start ffmpeg: %s", strerror(errno));
        fclose(v->errors), free(v->row), free(v);
        return NULL;
    }
    int status_pipe[2]; /* close-on-exec: the child writes exec's errno to it only when exec fails */
    if (pipe(status_pipe) != 0 || fcntl(status_pipe[1], F_SETFD, FD_CLOEXEC) != 0) {
        basin_error_set("cannot start ffmpeg: %s", strerror(errno));
        close(fds[0]), close(fds[1]);
        fclose(v->errors), free(v->row), free(v);
        return NULL;
    }
    pid_t parent = getpid();
    v->pid = fork();
    if (v->pid == 0) { /* the child: only calls that are safe between fork and exec */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        setpgid(0, 0);
        dup2(fds[0], STDIN_FILENO);
        dup2(fileno(v->errors), STDERR_FILENO);
        dup2(fileno(v->errors), STDOUT_FILENO);
        close(fds[0]), close(fds[1]), close(status_pipe[0]);
        execvp("ffmpeg", (char *const *)argv);
        int error = errno;
        ssize_t ignored = write(status_pipe[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    int rc = v->pid < 0 ? errno : 0;
    close(fds[0]);
    close(status_pipe[1]);
    if (v->pid > 0) {
        ssize_t got;
        while ((got = read(status_pipe[0], &rc, sizeof rc)) < 0 && errno == EINTR)
            ;
        if (got != sizeof rc)
            rc = 0; /* exec succeeded: the pipe closed empty */
        else
            waitpid(v->pid, NULL, 0);
    }
    close(status_pipe[0]);
    if (rc != 0) {
        close(fds[1]);
        if (rc == ENOENT)
            basin_error_set("writing video needs the ffmpeg program, which is not installed (Debian: apt install "
                            "ffmpeg); .gif and numbered .png, .svg or .pdf frames do not");
        else
            basin_error_set("cannot start ffmpeg: %s", strerror(rc));
        fclose(v->errors), free(v->row), free(v);
        return NULL;
    }
    v->input = fds[1];
    struct sigaction ignore = {.sa_handler = SIG_IGN}; /* ffmpeg ending early is an EPIPE, not a death */
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &v->old_pipe);
    return v;
}

int basin_video_frame(basin_video *v, const unsigned char *pixels, int stride)
{
    for (int y = 0; y < v->h; y++) {
        const uint32_t *row = (const uint32_t *)(pixels + (size_t)y * (size_t)stride);
        for (int x = 0; x < v->w; x++) {
            v->row[3 * x] = (unsigned char)(row[x] >> 16);
            v->row[3 * x + 1] = (unsigned char)(row[x] >> 8);
            v->row[3 * x + 2] = (unsigned char)row[x];
        }
        for (size_t done = 0, want = (size_t)v->w * 3; done < want;) {
            ssize_t wrote = write(v->input, v->row + done, want - done);
            if (wrote < 0 && errno == EINTR)
                continue;
            if (wrote <= 0) {
                say_ffmpeg_failed(v, "stopped taking frames");
                return -1;
            }
            done += (size_t)wrote;
        }
    }
    return 0;
}

int basin_video_close(basin_video *v, bool abort)
{
    if (v->input >= 0)
        close(v->input);
    if (abort)
        kill(v->pid, SIGKILL);
    int status = 0, rc = 0;
    while (waitpid(v->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!abort && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        say_ffmpeg_failed(v, "failed");
        rc = -1;
    }
    sigaction(SIGPIPE, &v->old_pipe, NULL);
    fclose(v->errors);
    free(v->row);
    free(v);
    return rc;
}
