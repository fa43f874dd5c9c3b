/* Wire a media to the fault models' interface (faults/media_if.h). */
#ifndef CSUMSIM_SIM_MEDIA_IF_H
#define CSUMSIM_SIM_MEDIA_IF_H

#include "faults/media_if.h"
#include "sim/media.h"

/* The interface over m (ops NULL when m is NULL). m must outlive it. */
struct fault_media media_fault_if(struct media *m);

#endif
