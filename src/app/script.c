/* script.c: injecting scripted input as SDL events. */
#include "script.h"

#include "engine/error.h"

#include "lab/text_input.h"

#include <SDL.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int basin_script_open(basin_script *s, const char *path)
{
    *s = (basin_script){.file = basin_text_open(path, true)}; /* a FIFO can stream commands */
    return s->file ? 0 : -1;
}

/* The whole numbers of a command's arguments after its word, each within ±limit: exactly n of them. */
static bool read_ints(const char *line, int n, long limit, int *out)
{
    const char *c = line + strcspn(line, " \t");
    for (int i = 0; i < n; i++) {
        char *end;
        errno = 0;
        long v = strtol(c, &end, 10);
        if (end == c || errno || v < -limit || v > limit)
            return false;
        out[i] = (int)v;
        c = end;
    }
    while (*c == ' ' || *c == '\t')
        c++;
    return *c == '\0';
}

void basin_script_close(basin_script *s)
{
    if (s->file)
        fclose(s->file);
    *s = (basin_script){0};
}

static void push_button(int type, int x, int y)
{
    SDL_Event e = {.type = (Uint32)type};
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = x;
    e.button.y = y;
    e.button.clicks = 1;
    SDL_PushEvent(&e);
}

static void push_motion(int x, int y)
{
    SDL_Event e = {.type = SDL_MOUSEMOTION};
    e.motion.x = x;
    e.motion.y = y;
    SDL_PushEvent(&e);
}

static SDL_Keycode key_named(const char *name)
{
    static const struct {
        const char *name;
        SDL_Keycode key;
    } names[] = {{"space", SDLK_SPACE},   {"right", SDLK_RIGHT},       {"left", SDLK_LEFT},
                 {"r", SDLK_r},           {"plus", SDLK_PLUS},         {"minus", SDLK_MINUS},
                 {"f", SDLK_f},           {"e", SDLK_e},               {"question", SDLK_SLASH},
                 {"v", SDLK_v},           {"c", SDLK_c},               {"s", SDLK_s},       {"n", SDLK_n},
                 {"a", SDLK_a},           {"pagedown", SDLK_PAGEDOWN}, {"pageup", SDLK_PAGEUP}, {"q", SDLK_q},
                 {"return", SDLK_RETURN}, {"backspace", SDLK_BACKSPACE}, {"escape", SDLK_ESCAPE}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].key;
    if (name[0] >= '1' && name[0] <= '9' && name[1] == '\0')
        return SDLK_1 + (name[0] - '1');
    return SDLK_UNKNOWN;
}

int basin_script_step(basin_script *s, const char *path, const basin_ui *ui)
{
    s->screenshot[0] = '\0';
    SDL_SetModState(KMOD_NONE);
    if (s->slide_phase > 0) { /* press, move, release on three frames: the UI reads the mouse per frame */
        if (s->slide_phase == 2) {
            push_motion((int)s->slide_x1, (int)s->slide_y);
        } else {
            push_button(SDL_MOUSEBUTTONUP, (int)s->slide_x1, (int)s->slide_y);
        }
        s->slide_phase--;
        return 0;
    }
    if (s->waiting > 0) {
        s->waiting--;
        return 0;
    }
    char line[1200], word[32], arg[1024];
    for (;;) {
        int got = basin_text_line(s->file, line, sizeof line, path, s->line + 1);
        if (got < 0)
            return -1;
        if (got == 0) {
            s->done = true;
            return 1;
        }
        s->line++;
        line[strcspn(line, "#")] = '\0';
        if (sscanf(line, "%31s", word) == 1)
            break;
    }
    /* positions within ±100,000 points, waits up to 10^6 frames, wheel turns up to ±1,000 notches */
    enum { PLACE = 100000 };
    int v[4];
    if (strcmp(word, "wait") == 0 && read_ints(line, 1, 1000000, v) && v[0] >= 0) {
        s->waiting = v[0];
    } else if ((strcmp(word, "click") == 0 || strcmp(word, "shift-click") == 0) && read_ints(line, 2, PLACE, v)) {
        if (word[0] == 's')
            SDL_SetModState(KMOD_LSHIFT);
        push_motion(v[0], v[1]);
        push_button(SDL_MOUSEBUTTONDOWN, v[0], v[1]);
        push_button(SDL_MOUSEBUTTONUP, v[0], v[1]);
    } else if (strcmp(word, "drag") == 0 && read_ints(line, 4, PLACE, v)) {
        push_motion(v[0], v[1]);
        push_button(SDL_MOUSEBUTTONDOWN, v[0], v[1]);
        push_motion(v[2], v[3]);
        push_button(SDL_MOUSEBUTTONUP, v[2], v[3]);
    } else if (strcmp(word, "move") == 0 && read_ints(line, 2, PLACE, v)) {
        push_motion(v[0], v[1]);
    } else if (strcmp(word, "wheel") == 0 && read_ints(line, 3, PLACE, v) && v[2] >= -1000 && v[2] <= 1000) {
        push_motion(v[0], v[1]);
        SDL_Event e = {.type = SDL_MOUSEWHEEL};
        e.wheel.y = v[2];
        SDL_PushEvent(&e);
    } else if (strcmp(word, "key") == 0 && sscanf(line, "%*s %1023s", arg) == 1 && key_named(arg) != SDLK_UNKNOWN) {
        SDL_Event e = {.type = SDL_KEYDOWN};
        e.key.state = SDL_PRESSED;
        e.key.keysym.sym = key_named(arg);
        SDL_PushEvent(&e);
    } else if ((strcmp(word, "press") == 0 || strcmp(word, "slide") == 0) && sscanf(line, "%*s %1023[^\n]", arg) == 1) {
        double fraction = 0;
        if (word[0] == 's') { /* the last word is the fraction */
            char *space = strrchr(arg, ' ');
            char *end;
            if (space)
                fraction = strtod(space + 1, &end);
            if (!space || end == space + 1 || *end || !(fraction >= 0 && fraction <= 1)) {
                basin_error_set("%s:%d: slide LABEL FRACTION (a fraction from 0 to 1)", path, s->line);
                return -1;
            }
            *space = '\0';
        }
        const basin_rect *r = basin_ui_find(ui, arg);
        if (!r) {
            basin_error_set("%s:%d: no control labelled '%s' on screen", path, s->line, arg);
            return -1;
        }
        int y = (int)(r->y + r->h / 2);
        if (word[0] == 'p') {
            int x = (int)(r->x + r->w / 2);
            push_motion(x, y);
            push_button(SDL_MOUSEBUTTONDOWN, x, y);
            push_button(SDL_MOUSEBUTTONUP, x, y);
        } else {
            s->slide_x0 = r->x + 1;
            s->slide_x1 = r->x + fraction * r->w;
            s->slide_y = y;
            push_motion((int)s->slide_x0, y);
            push_button(SDL_MOUSEBUTTONDOWN, (int)s->slide_x0, y);
            s->slide_phase = 2;
        }
    } else if (strcmp(word, "type") == 0 && sscanf(line, "%*s %1023[^\n]", arg) == 1) {
        /* text into the focused field, as SDL delivers typing: events of at most 31 bytes, whole characters */
        for (size_t at = 0, len = strlen(arg); at < len;) {
            size_t n = len - at < 31 ? len - at : 31;
            while (n > 1 && at + n < len && ((unsigned char)arg[at + n] & 0xc0) == 0x80)
                n--;
            SDL_Event e = {.type = SDL_TEXTINPUT};
            memcpy(e.text.text, arg + at, n);
            e.text.text[n] = '\0';
            SDL_PushEvent(&e);
            at += n;
        }
    } else if (strcmp(word, "screenshot") == 0 && sscanf(line, "%*s %1023s", arg) == 1) {
        snprintf(s->screenshot, sizeof s->screenshot, "%s", arg);
    } else if (strcmp(word, "resize") == 0 && read_ints(line, 2, 16384, v) && v[0] >= 320 && v[1] >= 240) {
        SDL_SetWindowSize(SDL_GL_GetCurrentWindow(), v[0], v[1]);
    } else if (strcmp(word, "idle") == 0) {
        s->idle = true;
    } else if (strcmp(word, "settle") == 0) {
        s->settle = true;
    } else if (strcmp(word, "train") == 0 && read_ints(line, 1, 1000000, v) && v[0] >= 0) {
        s->train = v[0];
    } else if (strcmp(word, "quit") == 0) {
        s->done = true;
        return 1;
    } else {
        basin_error_set("%s:%d: not a command: '%s' (see basin open --help)", path, s->line, line);
        return -1;
    }
    return 0;
}
