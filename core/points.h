/* The RFC's allocation sites as named libfiu failure points. The core asks
 * fiu_fail(name) where the RFC allocates; a nonzero answer is that
 * allocation returning NULL. Names: "rfc/<function>/<allocator>". */
#ifndef CSUMSIM_CORE_POINTS_H
#define CSUMSIM_CORE_POINTS_H

#include <fiu.h>

#define P_QUEUE_NICE_KMALLOC "rfc/queue_nice_bio/kmalloc"
#define P_EVIL_KMALLOC "rfc/handle_evil_bio/kmalloc"
#define P_PREPARE_NICE_CLONE "rfc/prepare_nice_bio/bio_clone"
#define P_READ_NICE_KMALLOC "rfc/read_nice_bio/kmalloc"
#define P_DATA_READ_CLONE "rfc/prepare_data_read/bio_clone"
#define P_IMD_READ_PAGE "rfc/prepare_imd_read/alloc_page"
#define P_IMD_READ_BIO "rfc/prepare_imd_read/bio_alloc"
#define P_WRITE_NICE_KMALLOC "rfc/write_nice_bio/kmalloc"
#define P_UPDATE_IMD_KMALLOC "rfc/update_imd_bio/kmalloc"
#define P_WRITE_STAGE1_CLONE "rfc/write_stage1/bio_clone"
#define P_VERIFY_CRC_KMALLOC "rfc/verify_crc/kmalloc"

/* Every name above, NULL-terminated. */
extern const char *const csum_rfc_points[];

#endif
