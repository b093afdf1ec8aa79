"""The systemd user unit shipped with interview-followup (`followup service install`)."""
