"""Quality evaluations: programs that measure ykien on ../shared/data and print the numbers."""
