/* optimizers.h: the registry entries of every optimizer. */
#ifndef BASIN_OPTIMIZERS_H
#define BASIN_OPTIMIZERS_H

#include "../registry.h"

extern const basin_entry basin_optim_sgd;     /* torch.optim.SGD */
extern const basin_entry basin_optim_adagrad; /* torch.optim.Adagrad */
extern const basin_entry basin_optim_rmsprop; /* torch.optim.RMSprop */
extern const basin_entry basin_optim_adam;    /* torch.optim.Adam */
extern const basin_entry basin_optim_adamw;   /* torch.optim.AdamW */
extern const basin_entry basin_optim_newton;  /* Newton's method, damped when lr < 1 */
extern const basin_entry basin_optim_adadelta; /* torch.optim.Adadelta */
extern const basin_entry basin_optim_adamax;  /* torch.optim.Adamax */
extern const basin_entry basin_optim_nadam;   /* torch.optim.NAdam */
extern const basin_entry basin_optim_radam;   /* torch.optim.RAdam */
extern const basin_entry basin_optim_rprop;   /* torch.optim.Rprop */
extern const basin_entry basin_optim_asgd;    /* torch.optim.ASGD */
extern const basin_entry basin_optim_sam;     /* sharpness-aware minimization around a base optimizer */
extern const basin_entry basin_optim_lbfgs;   /* torch.optim.LBFGS */

typedef struct basin_optimizer basin_optimizer;

/* The loss evaluations an lbfgs optimizer has made (torch's state['func_evals']), or -1 for another. */
long basin_lbfgs_evaluations(const basin_optimizer *o);

#endif
