"""Frozen copies of earlier ykien code, run by the evaluations beside today's code."""
