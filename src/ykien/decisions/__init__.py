"""Decisions (tiếp thu, giải trình), subcommittee queues, the participant's trace, notices."""
