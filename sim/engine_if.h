/* The event engine as the fault models see it (faults/clock_if.h). */
#ifndef CSUMSIM_SIM_ENGINE_IF_H
#define CSUMSIM_SIM_ENGINE_IF_H

#include "faults/clock_if.h"
#include "sim/engine.h"

/* The clock of e for a fault_env (e NULL: no clock). */
struct fault_clock engine_fault_if(struct engine *e);

#endif
