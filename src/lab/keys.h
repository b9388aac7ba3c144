/* keys.h: every key a lab file takes, in one table: where it goes ([lab], [run NAME] or both, a run's
 * value defaulting to [lab]'s), which labs take it, its default and a one-line doc. Lab validation and
 * `basin list labs` read it; a training lab's numeric training keys are the training schema's
 * (basin_train_specs), with its bounds. */
#ifndef BASIN_LAB_KEYS_H
#define BASIN_LAB_KEYS_H

#include "views.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { BASIN_KEY_LAB = 1, BASIN_KEY_RUN = 2 } basin_key_sections;

typedef struct basin_lab_key {
    const char *key;
    unsigned sections; /* basin_key_sections */
    unsigned labs;     /* basin_lab_kinds */
    const char *fallback; /* the default as text, or NULL: required or absent */
    const char *doc;
} basin_lab_key;

/* The table, ended by an entry with key NULL; *count receives its length. */
const basin_lab_key *basin_lab_keys(size_t *count);

/* Whether key may stand in a section ([lab] when in_lab) of a kind of lab. Can't fail. */
bool basin_lab_key_allowed(const char *key, bool in_lab, basin_lab_kinds kind);

/* Writes "a, b, c": the keys a section of a kind of lab takes, for messages. */
void basin_lab_key_names(bool in_lab, basin_lab_kinds kind, char *buf, size_t size);

#endif
