/* params.h: the keys a named thing accepts (type, default, bounds, doc) and a set of values for them.
 * A table of basin_param_spec is the one source of truth that spec parsing, `basin list`, --help and
 * the lab loader all read. Values are filled by the spec parser (src/lab) and read by constructors. */
#ifndef BASIN_PARAMS_H
#define BASIN_PARAMS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    BASIN_PARAM_REAL,   /* a finite double within [min, max] */
    BASIN_PARAM_INT,    /* a whole number within [min, max] */
    BASIN_PARAM_BOOL,   /* true or false */
    BASIN_PARAM_CHOICE, /* one word of choices ("linear|log|two-cluster") */
    BASIN_PARAM_LIST,   /* numbers separated by '/', each within [min, max] */
    BASIN_PARAM_STRING, /* text (in a spec, quote it: f="(1-x)^2 + y", so that ':' and ',' stay inside) */
} basin_param_type;

typedef struct basin_param_spec {
    const char *key;
    basin_param_type type;
    const char *fallback; /* default as spec text; NULL: required; "": absent unless given */
    double min, max;      /* inclusive bounds (REAL, INT, LIST items) */
    bool max_open;        /* the bound max itself is excluded (Adam's beta < 1) */
    const char *choices;  /* CHOICE only */
    const char *doc;      /* one line */
} basin_param_spec;

#define BASIN_PARAMS_MAX 16 /* keys one thing may have */

typedef struct basin_param_value {
    bool given;   /* written in the spec (false: the default, or absent) */
    bool present; /* given or defaulted */
    double num;   /* REAL, INT, BOOL (0/1), CHOICE (index into choices) */
    double *list; /* LIST items, owned */
    size_t len;
    char *str;    /* STRING, owned */
} basin_param_value;

typedef struct basin_params {
    const basin_param_spec *specs; /* terminated by a spec with key NULL */
    basin_param_value values[BASIN_PARAMS_MAX];
} basin_params;

/* Index of key in specs, or -1. */
int basin_param_find(const basin_param_spec *specs, const char *key);

/* Parses text as the value of spec into *out (freeing what *out held). Returns 0, or -1 with a message
 * naming owner, the key and the text (e.g. "sgd: momentum='x' is not a number"). */
int basin_param_parse(const char *owner, const basin_param_spec *spec, const char *text,
                      basin_param_value *out);

/* Starts params for specs with every default applied (required keys left absent). Returns 0, or -1 when
 * a default does not parse (a bug in a table; the message says so). */
int basin_params_init(basin_params *p, const basin_param_spec *specs);

/* Frees list values; p may then be reused with basin_params_init. */
void basin_params_clear(basin_params *p);

/* Readers for constructors; key must exist in the table (programmer error otherwise). */
double basin_params_real(const basin_params *p, const char *key);
bool basin_params_bool(const basin_params *p, const char *key);
int basin_params_choice(const basin_params *p, const char *key);
const double *basin_params_list(const basin_params *p, const char *key, size_t *len);
const char *basin_params_string(const basin_params *p, const char *key); /* NULL when absent */
bool basin_params_given(const basin_params *p, const char *key);
bool basin_params_present(const basin_params *p, const char *key);

/* Replaces the number of key (REAL or INT; key must exist in the table) by v, as if defaulted to it when
 * it was not given: a rule derived from other settings (the square-root scaling of Adam's β and ε). */
void basin_params_set_real(basin_params *p, const char *key, double v);

/* Writes a readable "[min, max]" style range for spec into buf (empty when unbounded). */
void basin_param_range_text(const basin_param_spec *spec, char *buf, size_t size);

#define BASIN_INF INFINITY


/* Table-writing helpers: every spec states its bounds. */
#define BASIN_REAL(k, def, lo, hi, d) {(k), BASIN_PARAM_REAL, (def), (lo), (hi), false, NULL, (d)}
#define BASIN_REAL_BELOW(k, def, lo, hi, d) {(k), BASIN_PARAM_REAL, (def), (lo), (hi), true, NULL, (d)}
#define BASIN_INT(k, def, lo, hi, d) {(k), BASIN_PARAM_INT, (def), (lo), (hi), false, NULL, (d)}
#define BASIN_BOOL(k, def, d) {(k), BASIN_PARAM_BOOL, (def), -BASIN_INF, BASIN_INF, false, NULL, (d)}
#define BASIN_CHOICE(k, def, ch, d) {(k), BASIN_PARAM_CHOICE, (def), -BASIN_INF, BASIN_INF, false, (ch), (d)}
#define BASIN_LIST(k, def, lo, hi, d) {(k), BASIN_PARAM_LIST, (def), (lo), (hi), false, NULL, (d)}
#define BASIN_STRING(k, def, d) {(k), BASIN_PARAM_STRING, (def), -BASIN_INF, BASIN_INF, false, NULL, (d)}
#define BASIN_PARAMS_END {NULL, BASIN_PARAM_REAL, NULL, 0, 0, false, NULL, NULL}

#endif
