/* The report tests' cleanup: removes a directory tree they wrote. */
#ifndef CSUMSIM_TESTS_REPORTS_RM_TREE_H
#define CSUMSIM_TESTS_REPORTS_RM_TREE_H

/* Removes path: a file, or a directory and everything below it. */
void rm_rf(const char *path);

#endif
