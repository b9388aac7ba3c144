/* mpi_job.h: a command run as one rank of an MPI job (--backend mpi): MPI started, rank 0 alone speaking
 * and writing, every rank learning at one common point whether some rank could not get there (so that a
 * failure to start ends every rank cleanly), and a failure after that point ending the whole job. */
#ifndef BASIN_CLI_MPI_JOB_H
#define BASIN_CLI_MPI_JOB_H

#include "engine/parallel/comm_mpi.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct cli_mpi_job {
    basin_comm world;
    FILE *err;             /* the real standard error, for this rank's own failures */
    FILE *sink;            /* /dev/null: where ranks other than 0 write, or NULL */
    bool reached;          /* this rank got to the common point */
    int failed_elsewhere;  /* ranks that did not, as learnt there */
} cli_mpi_job;

/* Checks command's --backend (NULL: threads): threads or mpi, and mpi when a launcher started several
 * ranks (what else to add then: hint, or NULL). Returns 1 for mpi, 0 for threads, or -1 after a usage
 * message on err. */
int cli_mpi_backend(const char *command, const char *backend, const char *hint, FILE *err);

/* Starts MPI for command; on ranks other than 0 *out and *err become a sink; with several ranks OpenBLAS
 * runs single-threaded in each (as under Basin's own threads, thread_policy.h). Returns 0, or 2 after a
 * one-line message on *err (no MPI in this build, MPI_Init failed). */
int cli_mpi_job_begin(cli_mpi_job *job, const char *command, FILE **out, FILE **err);

/* At the common point (every rank's work is ready to be combined): how many ranks failed before it; 0
 * means go on, −1 that MPI itself failed there (a rank died; the message says so). */
int cli_mpi_job_ready(cli_mpi_job *job);

/* Ends the job with this rank's status: a rank that did not reach the common point tells the others
 * there and says why when the failure is not everyone's; rank 0 says how many ranks failed; a failure
 * after the common point ends every rank (MPI_Abort), since others may wait for this one. Finalizes MPI
 * and returns status. */
int cli_mpi_job_end(cli_mpi_job *job, int status, const char *command);

/* A command's work: options are its own; job is NULL in a plain process, else this rank's job (past its
 * start: rank 0's streams are out and err, the others' a sink). Returns the exit status. */
typedef int (*cli_mpi_work)(void *options, FILE *out, FILE *err, cli_mpi_job *job);

/* Reads a command's options into options: 0, 1 when it printed its help, -1 after a usage message. */
typedef int (*cli_mpi_parse)(int argc, char **argv, void *options, FILE *out, FILE *err);

/* A command from its arguments to its exit status: parse reads them into options (under a launcher, on
 * ranks other than 0 quietly: every rank reads the same options and rank 0 alone says what is wrong),
 * then work runs in this process when *backend (the options' --backend, once parsed) is not "mpi", else
 * as one rank of an MPI job (cli_mpi_job_begin, work, cli_mpi_job_end). */
int cli_mpi_main(const char *command, int argc, char **argv, cli_mpi_parse parse, cli_mpi_work work, void *options,
                 const char *const *backend, FILE *out, FILE *err);

#endif
