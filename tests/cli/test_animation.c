/* test_animation.c: `basin export` of animations, decoded by other programs: the GIF by giflib's decoder
 * (loop extension, frame count, delays, a composed frame against the PNG of the same step), the MP4 and
 * WebM by FFmpeg's ffprobe and ffmpeg (codec, pixel format, size, frame count, the index before the data,
 * a decoded frame against the PNG), numbered frames by name and count; the same lab gives the same bytes;
 * an export killed at any moment leaves nothing behind; bad requests are refused in one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include <cairo.h>
#include <dirent.h>
#include <gif_lib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LAB BASIN_DEMOS_DIR "/quadratic.ini" /* 150 steps: frames 1, 11, …, 151 with --every 10 */
#define FRAMES 16
#define W 800
#define H 450

static const char *path_of(const char *name)
{
    static char buf[8][600];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 600, "%s/%s", support_tmpdir(), name);
    return p;
}

static void export_ok(const char *output, const char *extra)
{
    support_cli_result r = extra ? support_cli("export", LAB, "-o", output, "--size", "800x450", "--dpi", "100",
                                               "--every", "10", extra, NULL)
                                 : support_cli("export", LAB, "-o", output, "--size", "800x450", "--dpi", "100",
                                               "--every", "10", NULL);
    if (r.status != 0)
        fail_msg("export to %s: status %d: %s", output, r.status, r.err);
    support_cli_free(&r);
}

/* The PNG frames of the same steps, once: frames/0000.png … */
static const char *png_frame(int k)
{
    static bool made;
    if (!made) {
        mkdir(path_of("frames"), 0755);
        export_ok(path_of("frames/%04d.png"), NULL);
        made = true;
    }
    static char name[64];
    snprintf(name, sizeof name, "frames/%04d.png", k);
    return path_of(name);
}

/* Mean absolute difference per channel (0–255) of an RGB24 buffer against a PNG, and the share of pixels
 * equal in every channel. */
static double compare_with_png(const unsigned char *rgb, const char *png, double *exact)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), W);
    assert_int_equal(cairo_image_surface_get_height(s), H);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    double sum = 0;
    size_t same = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t v = *(const uint32_t *)(d + y * stride + 4 * x);
            const unsigned char *p = rgb + 3 * ((size_t)y * W + (size_t)x);
            int dr = abs((int)(v >> 16 & 0xff) - p[0]), dg = abs((int)(v >> 8 & 0xff) - p[1]), db = abs((int)(v & 0xff) - p[2]);
            sum += dr + dg + db;
            same += dr == 0 && dg == 0 && db == 0;
        }
    cairo_surface_destroy(s);
    *exact = (double)same / (W * H);
    return sum / (3.0 * W * H);
}

static void test_gif(void **state)
{
    (void)state;
    const char *gif_path = path_of("race.gif");
    export_ok(gif_path, NULL);
    int error;
    GifFileType *gif = DGifOpenFileName(gif_path, &error);
    assert_non_null(gif);
    assert_int_equal(DGifSlurp(gif), GIF_OK);
    assert_int_equal(gif->SWidth, W);
    assert_int_equal(gif->SHeight, H);
    assert_int_equal(gif->ImageCount, FRAMES);
    bool loops = false; /* NETSCAPE2.0, then the sub-block 1, loop count 0 (for ever) */
    const SavedImage *first = &gif->SavedImages[0];
    for (int i = 0; i + 1 < first->ExtensionBlockCount; i++) {
        const ExtensionBlock *a = &first->ExtensionBlocks[i], *b = &first->ExtensionBlocks[i + 1];
        loops = loops || (a->Function == APPLICATION_EXT_FUNC_CODE && a->ByteCount == 11 &&
                          memcmp(a->Bytes, "NETSCAPE2.0", 11) == 0 && b->ByteCount == 3 && b->Bytes[0] == 1 &&
                          b->Bytes[1] == 0 && b->Bytes[2] == 0);
    }
    assert_true(loops);
    int total = 0;
    for (int i = 0; i < gif->ImageCount; i++) {
        GraphicsControlBlock gcb;
        assert_int_equal(DGifSavedExtensionToGCB(gif, i, &gcb), GIF_OK);
        assert_true(gcb.DelayTime >= 2);
        total += gcb.DelayTime;
    }
    print_message("    %d frames, %d cs in all (16 frames at 30 fps and a 1 s hold: 153)\n", gif->ImageCount, total);
    assert_int_equal(total, 53 + 100); /* round(100·16/30) and the hold */
    /* compose the frames (each a rectangle, its transparent pixels keeping the last) and compare two of them
     * with the PNGs of the same steps */
    unsigned char *canvas = calloc((size_t)W * H * 3, 1);
    assert_non_null(canvas);
    for (int i = 0; i < gif->ImageCount; i++) {
        const SavedImage *img = &gif->SavedImages[i];
        const ColorMapObject *map = img->ImageDesc.ColorMap ? img->ImageDesc.ColorMap : gif->SColorMap;
        GraphicsControlBlock gcb;
        DGifSavedExtensionToGCB(gif, i, &gcb);
        const GifImageDesc *r = &img->ImageDesc;
        for (int y = 0; y < r->Height; y++)
            for (int x = 0; x < r->Width; x++) {
                int index = img->RasterBits[y * r->Width + x];
                if (index == gcb.TransparentColor)
                    continue;
                unsigned char *p = canvas + 3 * ((size_t)(r->Top + y) * W + (size_t)(r->Left + x));
                p[0] = map->Colors[index].Red, p[1] = map->Colors[index].Green, p[2] = map->Colors[index].Blue;
            }
        if (i == 5 || i == FRAMES - 1) {
            double exact, diff = compare_with_png(canvas, png_frame(i), &exact);
            print_message("    GIF frame %d against the PNG: mean difference %.2f of 255, %.1f%% of pixels exact\n", i,
                          diff, 100 * exact);
            assert_true(diff < 1.5);
            assert_true(exact > 0.75); /* the heatmap's gradients share entries; background, lines and text do not */
        }
    }
    free(canvas);
    DGifCloseFile(gif, &error);
}

/* Runs a shell command and returns its standard output (owned). */
static char *capture(const char *command)
{
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char *text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, p);
    text[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return text;
}

/* Whether an MP4's top-level boxes put the index (moov) before the media data (mdat). */
static bool index_first(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    long moov = -1, mdat = -1, at = 0;
    unsigned char head[8];
    while (fread(head, 1, 8, f) == 8) {
        uint64_t size = (uint64_t)head[0] << 24 | (uint64_t)head[1] << 16 | (uint64_t)head[2] << 8 | head[3];
        if (memcmp(head + 4, "moov", 4) == 0)
            moov = at;
        if (memcmp(head + 4, "mdat", 4) == 0)
            mdat = at;
        if (size < 8)
            break;
        at += (long)size;
        fseek(f, at, SEEK_SET);
    }
    fclose(f);
    return moov >= 0 && mdat >= 0 && moov < mdat;
}

/* A video's frame k decoded by ffmpeg as raw RGB. */
static unsigned char *decoded_frame(const char *video, int k)
{
    char command[1400];
    snprintf(command, sizeof command,
             "ffmpeg -v error -i '%s' -vf 'select=eq(n\\,%d)' -vframes 1 -f rawvideo -pix_fmt rgb24 -", video, k);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    unsigned char *rgb = malloc((size_t)W * H * 3);
    size_t n = fread(rgb, 1, (size_t)W * H * 3, p);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(n, (size_t)W * H * 3);
    return rgb;
}

static void test_mp4(void **state)
{
    (void)state;
    const char *mp4 = path_of("race.mp4");
    export_ok(mp4, NULL);
    char command[800];
    snprintf(command, sizeof command,
             "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
             "stream=codec_name,pix_fmt,width,height,nb_read_frames -of default=nw=1 '%s'", mp4);
    char *probe = capture(command);
    print_message("    ffprobe: %s", probe);
    assert_non_null(strstr(probe, "codec_name=h264\n"));
    assert_non_null(strstr(probe, "pix_fmt=yuv420p\n"));
    assert_non_null(strstr(probe, "width=800\n"));
    assert_non_null(strstr(probe, "height=450\n"));
    assert_non_null(strstr(probe, "nb_read_frames=46\n")); /* 16 frames, then the last held 30 more */
    free(probe);
    assert_true(index_first(mp4));
    for (int k = 5; k < FRAMES; k += FRAMES - 6) {
        unsigned char *rgb = decoded_frame(mp4, k);
        double exact, diff = compare_with_png(rgb, png_frame(k), &exact);
        print_message("    MP4 frame %d against the PNG: mean difference %.2f of 255\n", k, diff);
        assert_true(diff < 4);
        free(rgb);
    }
}

static void test_webm(void **state)
{
    (void)state;
    const char *webm = path_of("race.webm");
    export_ok(webm, "--hold=0");
    char command[800];
    snprintf(command, sizeof command,
             "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
             "stream=codec_name,width,height,nb_read_frames -of default=nw=1 '%s'", webm);
    char *probe = capture(command);
    print_message("    ffprobe: %s", probe);
    assert_non_null(strstr(probe, "codec_name=vp9\n"));
    assert_non_null(strstr(probe, "nb_read_frames=16\n"));
    free(probe);
    unsigned char *rgb = decoded_frame(webm, FRAMES - 1);
    double exact, diff = compare_with_png(rgb, png_frame(FRAMES - 1), &exact);
    print_message("    WebM's last frame against the PNG: mean difference %.2f of 255\n", diff);
    assert_true(diff < 6);
    free(rgb);
}

/* Coloured pixels (far from white and grey) in the left half of an RGB frame. */
static size_t coloured_left(const unsigned char *rgb)
{
    size_t n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W / 2; x++) {
            const unsigned char *p = rgb + 3 * ((size_t)y * W + (size_t)x);
            n += abs(p[0] - p[1]) + abs(p[1] - p[2]) > 60;
        }
    return n;
}

/* A training lab's animation draws every frame's decision regions, not "computing…": the left half of an
 * early frame is about as coloured as the last one's. */
static void test_training_lab_frames(void **state)
{
    (void)state;
    const char *video = path_of("overfitting.mp4");
    support_cli_result r = support_cli("export", BASIN_DEMOS_DIR "/overfitting.ini", "-o", video, "--size", "800x450",
                                       "--dpi", "100", "--every", "10", "--hold", "0", NULL);
    if (r.status != 0)
        fail_msg("status %d: %s", r.status, r.err);
    support_cli_free(&r);
    unsigned char *early = decoded_frame(video, 3), *last = decoded_frame(video, 12);
    size_t a = coloured_left(early), b = coloured_left(last);
    print_message("    coloured pixels left: %zu at epoch 30, %zu at the end\n", a, b);
    assert_true(a > b / 2);
    free(early), free(last);
}

static void test_frames_by_name(void **state)
{
    (void)state;
    png_frame(0);
    DIR *d = opendir(path_of("frames"));
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d));)
        count += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(count, FRAMES);
    for (int k = 0; k < FRAMES; k++)
        assert_int_equal(access(png_frame(k), R_OK), 0);
    assert_int_equal(access(png_frame(FRAMES), F_OK), -1);
    mkdir(path_of("pdf"), 0755);
    support_cli_result r = support_cli("export", LAB, "-o", path_of("pdf/f%02d.pdf"), "--size", "800x450", "--dpi",
                                       "100", "--duration", "0.1", "--fps", "30", NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    assert_int_equal(access(path_of("pdf/f00.pdf"), R_OK), 0); /* 0.1 s at 30 fps: 3 frames, first to last */
    assert_int_equal(access(path_of("pdf/f02.pdf"), R_OK), 0);
    assert_int_equal(access(path_of("pdf/f03.pdf"), F_OK), -1);
}

static void test_same_lab_same_bytes(void **state)
{
    (void)state;
    const char *names[][2] = {{"a.gif", "b.gif"}, {"a.mp4", "b.mp4"}, {"a.webm", "b.webm"}};
    for (int i = 0; i < 3; i++) {
        export_ok(path_of(names[i][0]), "--fps=10");
        export_ok(path_of(names[i][1]), "--fps=10");
        if (!support_same_bytes(path_of(names[i][0]), path_of(names[i][1])))
            fail_msg("two exports to %s differ", names[i][0]);
    }
}

static void test_bad_requests(void **state)
{
    (void)state;
    expect_usage_error("H.264 needs an even width and height, not 801×450", "export", LAB, "-o", path_of("odd.mp4"),
                       "--size", "801x450", "--dpi", "100");
    expect_usage_error("one %d", "export", LAB, "-o", path_of("f%s.png"));
    expect_usage_error("one %d", "export", LAB, "-o", path_of("f%d%d.png"));
    expect_usage_error("frames of a sequence are .png, .svg or .pdf", "export", LAB, "-o", path_of("f%d.gif"));
    expect_usage_error("are for animations", "export", LAB, "-o", path_of("still.png"), "--fps", "10");
    expect_usage_error("--fps '0' is not a number from 1 to 100", "export", LAB, "-o", path_of("x.gif"), "--fps", "0");
    expect_usage_error("--every '1.5' is not a whole number", "export", LAB, "-o", path_of("x.gif"), "--every", "1.5");
    expect_usage_error("unknown format '.avi'", "export", LAB, "-o", path_of("x.avi"));
    assert_int_equal(access(path_of("odd.mp4"), F_OK), -1);
    /* no ffmpeg: one line saying what to install; GIF still works */
    char *old = strdup(getenv("PATH"));
    setenv("PATH", "/nonexistent", 1);
    support_cli_result r = support_cli("export", LAB, "-o", path_of("none.mp4"), "--size", "800x450", "--dpi", "100",
                                       "--every", "50", NULL);
    setenv("PATH", old, 1);
    free(old);
    assert_int_equal(r.status, 1);
    assert_int_equal(support_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "needs the ffmpeg program, which is not installed (Debian: apt install ffmpeg)"));
    assert_int_equal(access(path_of("none.mp4"), F_OK), -1);
    support_cli_free(&r);
}

/* Whether a folder holds any temporary file of an output. */
static bool temporaries_in(const char *dir)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && (e = readdir(d));)
        found = found || strstr(e->d_name, ".tmp.") || strstr(e->d_name, ".basin-set.");
    if (d)
        closedir(d);
    return found;
}

/* The files in dir (not . and ..). */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* SIGTERM or SIGINT while numbered frames are written: all of them or none, and no temporary folder. */
static void test_killed_frames(void **state)
{
    (void)state;
    const char *dir = path_of("killed-frames");
    srand(20261201);
    int whole = 0, none = 0;
    for (int trial = 0; trial < 6; trial++) {
        char out[700];
        snprintf(out, sizeof out, "%s/f%%03d.png", dir);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execl(getenv("BASIN_EXE"), "basin", "export", LAB, "-o", out, "--size", "400x250", "--dpi", "50", "--fps",
                  "10", NULL);
            _exit(127);
        }
        long delay = 150000 + rand() % 6000000;
        struct timespec t = {delay / 1000000, (delay % 1000000) * 1000};
        nanosleep(&t, NULL);
        kill(pid, trial % 2 ? SIGTERM : SIGINT);
        int status;
        waitpid(pid, &status, 0);
        if (temporaries_in(dir))
            fail_msg("trial %d (%ld µs): a temporary was left behind", trial, delay);
        int n = files_in(dir), all = 151; /* the lab's 150 steps and its start */
        if (n > 0 && n != all)
            fail_msg("trial %d (%ld µs): %d frames of %d left", trial, delay, n, all);
        whole += n == all, none += n == 0;
        char command[800];
        snprintf(command, sizeof command, "rm -f '%s'/*.png", dir);
        assert_int_equal(system(command), 0);
    }
    print_message("    6 frame exports interrupted: %d whole, %d none, no temporary left\n", whole, none);
    assert_true(none > 0);
}

/* SIGTERM or SIGINT at random moments of a GIF and an MP4 export: the file is whole (it decodes) or absent,
 * and no temporary is left, ffmpeg's included. */
static void test_killed_exports(void **state)
{
    (void)state;
    const char *dir = path_of("killed");
    mkdir(dir, 0755);
    srand(20261130);
    int whole = 0, absent = 0;
    for (int trial = 0; trial < 12; trial++) {
        char out[700];
        snprintf(out, sizeof out, "%s/race.%s", dir, trial % 2 ? "mp4" : "gif");
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execl(getenv("BASIN_EXE"), "basin", "export", LAB, "-o", out, "--size", "800x450", "--dpi", "100", NULL);
            _exit(127);
        }
        long delay = 200000 + rand() % 1500000;
        struct timespec t = {delay / 1000000, (delay % 1000000) * 1000};
        nanosleep(&t, NULL);
        kill(pid, trial % 4 < 2 ? SIGTERM : SIGINT);
        int status;
        waitpid(pid, &status, 0);
        usleep(300000); /* ffmpeg, killed with its parent, is gone by now */
        if (temporaries_in(dir))
            fail_msg("trial %d (%s, %ld µs): a temporary was left behind", trial, out, delay);
        if (access(out, F_OK) == 0) {
            char command[900];
            snprintf(command, sizeof command, "ffprobe -v error -count_frames -show_entries stream=nb_read_frames "
                                              "-of csv=p=0 '%s'", out);
            char *frames = capture(command);
            assert_true(atoi(frames) > 100);
            free(frames);
            unlink(out);
            whole++;
        } else {
            absent++;
        }
    }
    print_message("    12 exports interrupted: %d whole, %d absent, no temporary left\n", whole, absent);
    assert_true(absent > 0);
}

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("/tmp/basin-animation");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gif),           cmocka_unit_test(test_mp4),
        cmocka_unit_test(test_webm),          cmocka_unit_test(test_training_lab_frames),
        cmocka_unit_test(test_frames_by_name),
        cmocka_unit_test(test_same_lab_same_bytes), cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_killed_exports),
        cmocka_unit_test(test_killed_frames),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
