"""Demo data: a small, believable academy (`academy demo`) and a synthetic large one (`--scale`)."""
