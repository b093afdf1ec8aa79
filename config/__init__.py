"""Default configuration and note templates shipped with interview-followup."""
