/* main.c: the `basin` executable: Ctrl-C, SIGTERM and SIGHUP remove what was being written, then end it. */
#include "cli.h"

#include "lab/output_file.h"

int main(int argc, char **argv)
{
    basin_output_remove_on_signals();
    return basin_cli_main(argc, argv, stdout, stderr);
}
