/* playlist.h: a lecture as a list of lab files in order, grouped in sections: the text file
 * demos/lecture.playlist, where "## TITLE" opens a section, "#" starts a comment, and every other
 * non-blank line names a lab file relative to the playlist's folder (or by an absolute path). */
#ifndef BASIN_LAB_PLAYLIST_H
#define BASIN_LAB_PLAYLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct basin_playlist_item {
    char *path;    /* the lab file, joined to the playlist's folder */
    char *section; /* the section it is in ("" before the first) */
} basin_playlist_item;

typedef struct basin_playlist {
    basin_playlist_item *items; /* n of them, in order */
    size_t n;
} basin_playlist;

/* Whether path names a playlist (it ends in .playlist). */
bool basin_playlist_is(const char *path);

/* Reads the playlist at path, checking that every lab file it names is readable. Returns 0, or -1 with a
 * message naming the file and line (unreadable, empty, a lab named twice or missing). */
int basin_playlist_load(basin_playlist *p, const char *path);

/* The index of the item whose path is path (compared as given), or -1. */
long basin_playlist_find(const basin_playlist *p, const char *path);

/* Frees what p holds. */
void basin_playlist_free(basin_playlist *p);

#endif
