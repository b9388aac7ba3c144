/* playlist.c: reading a lecture's playlist. */
#include "playlist.h"

#include "engine/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool basin_playlist_is(const char *path)
{
    size_t n = strlen(path);
    return n > 9 && strcmp(path + n - 9, ".playlist") == 0;
}

/* s without white space at either end, in place. */
static char *trimmed(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int add(basin_playlist *p, const char *folder, const char *name, const char *section)
{
    basin_playlist_item *grown = realloc(p->items, (p->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    p->items = grown;
    size_t len = strlen(folder) + strlen(name) + 2;
    basin_playlist_item *it = &p->items[p->n];
    it->path = malloc(len);
    it->section = strdup(section);
    if (!it->path || !it->section) {
        free(it->path), free(it->section);
        return -1;
    }
    if (*name == '/') /* an absolute path as it is */
        snprintf(it->path, len, "%s", name);
    else
        snprintf(it->path, len, "%s%s%s", folder, *folder ? "/" : "", name);
    p->n++;
    return 0;
}

int basin_playlist_load(basin_playlist *p, const char *path)
{
    *p = (basin_playlist){0};
    FILE *f = fopen(path, "r");
    if (!f) {
        basin_error_set("%s: cannot read the playlist", path);
        return -1;
    }
    char folder[1024], line[1024], section[256] = "";
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (slash)
        *slash = '\0';
    else
        folder[0] = '\0';
    int rc = 0;
    for (long number = 1; rc == 0 && fgets(line, sizeof line, f); number++) {
        char *text = trimmed(line);
        if (strncmp(text, "##", 2) == 0) {
            snprintf(section, sizeof section, "%s", trimmed(text + 2));
            continue;
        }
        if (*text == '\0' || *text == '#')
            continue;
        if (add(p, folder, text, section) != 0) {
            basin_error_set("%s:%ld: out of memory", path, number);
            rc = -1;
        } else if (access(p->items[p->n - 1].path, R_OK) != 0) {
            basin_error_set("%s:%ld: '%s': no such lab file", path, number, text);
            rc = -1;
        } else if (basin_playlist_find(p, p->items[p->n - 1].path) != (long)p->n - 1) {
            basin_error_set("%s:%ld: '%s' is in the playlist already", path, number, text);
            rc = -1;
        }
    }
    fclose(f);
    if (rc == 0 && p->n == 0) {
        basin_error_set("%s: the playlist names no lab", path);
        rc = -1;
    }
    if (rc != 0)
        basin_playlist_free(p);
    return rc;
}

long basin_playlist_find(const basin_playlist *p, const char *path)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].path, path) == 0)
            return (long)i;
    return -1;
}

void basin_playlist_free(basin_playlist *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].path), free(p->items[i].section);
    free(p->items);
    *p = (basin_playlist){0};
}
