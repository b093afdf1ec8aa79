"""The systemd user unit shipped with interview-followup (installed by `followup service install`)."""
