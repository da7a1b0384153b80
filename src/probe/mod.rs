//! Runs the binary under ptrace and reports which breakpoints are hit. STUB.
