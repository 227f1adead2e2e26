// Runs a suite against a simulator that says only what Huawei documents (see `rotor sim --strict-docs`).
process.env.ROTOR_SIM_STRICT_DOCS = '1';
