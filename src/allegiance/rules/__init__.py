"""Rules: arrangements as code — bodies, modes, forces and actions, evaluated with proofs."""
