"""The interview-followup daemon: pure decisions and the loop that carries them out."""
