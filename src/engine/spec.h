/* spec.h: parsing NAME[:KEY=VALUE[,KEY=VALUE]...] against the registry (a list value separates items
 * with '/'). One parser serves the command line and lab files. */
#ifndef BASIN_SPEC_H
#define BASIN_SPEC_H

#include "params.h"
#include "registry.h"

typedef struct basin_spec {
    const basin_entry *entry; /* the thing named */
    basin_params params;      /* its keys: given, defaulted or absent */
    char *text;               /* the spec as written, owned */
} basin_spec;

/* Parses text as a spec of kind into *spec (which it initializes). Returns 0, or -1 with a one-line
 * message naming the offending token and what is valid (unknown name or key, a key without a value,
 * a bad value, a key given twice, a required key missing). On failure *spec holds nothing to free. */
int basin_spec_parse(basin_spec *spec, basin_kind kind, const char *text);

/* Frees what spec holds; a zeroed spec is fine. */
void basin_spec_clear(basin_spec *spec);

/* Writes every key of specs as "a, b, c" into buf (for messages). */
void basin_spec_keys(const basin_param_spec *specs, char *buf, size_t size);

#endif
