/**
 * The Jakarta Batch artifacts of the retention jobs (batch-jobs/*.xml). They keep their progress
 * in PostgreSQL (retention_partition), not only in the batch runtime, so that a run survives the
 * death of the instance executing it.
 */
package io.quaestor.retention.batch;
