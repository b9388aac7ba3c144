/* error.c: a per-thread buffer holding the last failure's one-line message, and the cleaning every
 * message goes through: control bytes escaped, long tokens shortened. */
#include "error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_message[1024];

/* Appends byte c to out (of size cap, at *len), escaped when it is a control byte; stops short of the end. */
static void put_byte(char *out, size_t cap, size_t *len, unsigned char c)
{
    char esc[8];
    if (c == '\n')
        strcpy(esc, "\\n");
    else if (c == '\t')
        strcpy(esc, "\\t");
    else if (c == '\r')
        strcpy(esc, "\\r");
    else if (c < 0x20 || c == 0x7f)
        snprintf(esc, sizeof esc, "\\x%02x", c);
    else
        esc[0] = (char)c, esc[1] = 0;
    size_t n = strlen(esc);
    if (*len + n < cap) {
        memcpy(out + *len, esc, n);
        *len += n;
    }
}

/* The start of the UTF-8 character holding byte i of s (a continuation byte belongs to the one before). */
static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t basin_message_clean(char *out, size_t size, const char *in)
{
    size_t len = 0;
    for (size_t i = 0; in[i];) {
        size_t run = 0; /* a token: bytes up to the next space */
        while (in[i + run] && in[i + run] != ' ')
            run++;
        if (run > BASIN_TOKEN_SHOWN) {
            size_t head = char_start(in + i, BASIN_TOKEN_SHOWN * 3 / 4);
            size_t tail = char_start(in + i, run - BASIN_TOKEN_SHOWN / 4);
            for (size_t k = 0; k < head; k++)
                put_byte(out, size, &len, (unsigned char)in[i + k]);
            char note[48];
            snprintf(note, sizeof note, "…(%zu bytes)…", tail - head);
            for (const char *c = note; *c; c++)
                put_byte(out, size, &len, (unsigned char)*c);
            for (size_t k = tail; k < run; k++)
                put_byte(out, size, &len, (unsigned char)in[i + k]);
        } else {
            for (size_t k = 0; k < run; k++)
                put_byte(out, size, &len, (unsigned char)in[i + k]);
        }
        i += run;
        if (in[i] == ' ')
            put_byte(out, size, &len, ' '), i++;
    }
    if (size)
        out[len < size ? len : size - 1] = 0;
    return len;
}

/* Formats into a buffer of the message's own size, so a message may wrap the previous one
 * (basin_error_set("layer 3: %s", basin_error_message())) and a long token is shortened, not the reason. */
void basin_error_set(const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *message = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (message) {
        vsnprintf(message, (size_t)n + 1, fmt, again);
        basin_message_clean(last_message, sizeof last_message, message);
        free(message);
    } else {
        vsnprintf(last_message, sizeof last_message, fmt, again);
    }
    va_end(again);
}

const char *basin_error_message(void)
{
    return last_message;
}

void basin_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "basin: internal error: assertion '%s' failed at %s:%d\n", cond, file, line);
    abort();
}
