"""Publishing: plan (pure, with reasons), apply (the one write loop), run (orchestration)."""
