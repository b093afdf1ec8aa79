"""The pure decisions: detect, compose, proofread, plan, deadlines, reminders, check-ins, status.

Every function here takes `now` and data and returns data: no files, no
network, no clock, no subprocess (logging is allowed). The runtime in
`daemon/` and the connectors in `connectors/` do the I/O around them.
"""
