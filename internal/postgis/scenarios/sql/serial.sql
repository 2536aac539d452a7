-- Reads of the engine's input run in one backend: the LSOA query transforms each point to lon/lat,
-- whose high cost estimate makes the planner spread it over parallel workers, and each worker
-- pays the set-up of the transformation again (about 1.1 s of the 1.5 s read, against 0.65 s
-- in one backend, on the real data). LOCAL: for this read-only transaction only.
SET LOCAL max_parallel_workers_per_gather = 0
