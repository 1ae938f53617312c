"""Back ends and what runs the model: the interface (backend.py), the factory, the
local and Ray back ends, the resident diffusion engine, model discovery and loading,
LoRAs and seamless padding. Never imports Qt; nothing outside this package imports a
concrete back end."""
