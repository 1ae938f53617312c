"""Style LoRA training from the artist's own references.

``dataset`` prepares a folder of sprites the pixel-art way (integer nearest-neighbour
scaling into aspect buckets, flat background, captions); ``trainer`` trains a LoRA on
SDXL with diffusers + peft, checkpoints atomically and resumes exactly, and writes
the result in kohya's key layout with training metadata. Training runs in its own
process (``dgx-pixels train-lora``), which the GUI starts and watches.
"""
