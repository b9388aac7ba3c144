/* lab_internal.h: what the lab's files share inside the lab layer (not an interface for others). */
#ifndef BASIN_LAB_INTERNAL_H
#define BASIN_LAB_INTERNAL_H

#include "lab.h"

/* The entry of key in section ("lab" or a run's label), or NULL. */
basin_lab_entry *basin_lab_find_entry(const basin_lab_entries *e, const char *section, const char *key);

/* Whether entry i's section appeared in an earlier entry (so each run is built once, in file order). */
bool basin_lab_section_seen_before(const basin_lab_entries *e, size_t i);

/* Sets "ORIGIN: message" as the error and returns -1. */
int basin_lab_fail(const char *origin, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
