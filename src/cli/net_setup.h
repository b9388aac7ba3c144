/* net_setup.h: what `basin train`, `basin inspect` and `basin data` share: a data set, a model and its
 * starting weights from --data, --model, --init, --load-weights and --seed. */
#ifndef BASIN_CLI_NET_SETUP_H
#define BASIN_CLI_NET_SETUP_H

#include "engine/nn/net_problem.h"
#include "engine/spec.h"

#include <stdio.h>

typedef struct cli_net {
    basin_spec model_spec, data_spec, init_spec;
    basin_dataset *data;
    basin_net_problem *np; /* NULL when only the data was asked for */
    double *w;
    unsigned long data_seed; /* what the data set was drawn with */
} cli_net;

/* Reads the data set, then (when model is non-NULL) builds the model, initializes it by init (NULL:
 * default) or loads load_dir. Weights whose model.txt records their data seed get their data set drawn
 * with it, whatever seed says (seed still keys initialization and the network's random streams). Returns
 * an exit status, having written "basin COMMAND: ..." on failure; c is then empty. */
int cli_net_open(cli_net *c, const char *command, const char *model, const char *data, const char *init,
                 const char *load_dir, unsigned long seed, FILE *err);

/* Frees what c holds; a zeroed c is fine. */
void cli_net_close(cli_net *c);

/* The checks `analyze` and `landscape` share on what to look at: a surface with --at, or a model with
 * --data (and --init or --load-weights, not both). Returns 0, or -1 with a usage message. */
int cli_check_subject(const char *command, const char *surface, const char *at, const char *model, const char *data,
                      const char *init, const char *load, FILE *err);

/* For analyze and landscape: --seed redraws data and initialization, so with saved weights that record
 * their data seed it is a usage error (it would evaluate them on other examples) pointing at other_option,
 * the option for other random directions or probes. Returns 0, or -1 with the message. */
int cli_check_seed_with_weights(const char *command, const char *load, bool seed_given, const char *other_option,
                                FILE *err);

#endif
