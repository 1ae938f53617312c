// Dump an .aseprite file as JSON using the independent npm package ase-parser.
// Used by the test suite to check that files we write are readable by others.
const fs = require('fs');
const Aseprite = require('ase-parser');

const path = process.argv[2];
const ase = new Aseprite(fs.readFileSync(path), path);
ase.parse();
const out = {
  width: ase.width,
  height: ase.height,
  colorDepth: ase.colorDepth,
  numFrames: ase.numFrames,
  layers: ase.layers.map(l => ({ name: l.name, opacity: l.opacity, flags: l.flags, type: l.type,
    level: l.layerChildLevel, blend: l.blendMode })),
  tags: ase.tags.map(t => ({ name: t.name, from: t.from, to: t.to, direction: t.animDirection, color: t.color })),
  palette: ase.palette ? ase.palette.colors.map(c => [c.red, c.green, c.blue, c.alpha]) : [],
  frames: ase.frames.map(f => ({
    duration: f.frameDuration,
    cels: f.cels.map(c => ({
      layer: c.layerIndex, x: c.xpos, y: c.ypos, w: c.w, h: c.h, opacity: c.opacity,
      type: c.celType, link: c.link,
      pixels: c.rawCelData ? Buffer.from(c.rawCelData).toString('base64') : null,
    })),
  })),
};
process.stdout.write(JSON.stringify(out));
