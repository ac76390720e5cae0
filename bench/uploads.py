"""Peak memory and time of image uploads, one at a time and several at once.

    .venv/bin/python bench/uploads.py [--threads 4] [--only PNG]

Each case is one image file, checked and stored as an officer's upload is
(`practices.uploads.prepare_image`, then `store_image` into a temporary folder), in a fresh Python
process: the figures are that process's peak resident memory above what it used before the
upload (`ru_maxrss` against `VmRSS`), and the wall time. "At once" runs the same upload in
`--threads` threads of one process, as a worker with threads would (Pillow releases the GIL
while it decodes, converts and encodes, so they really overlap).

The inputs are written first, by this script, so making them is not measured: the largest
images the portal accepts (40 megapixels, 6320 × 6320) in every format and in the modes that
cost most, and a common phone photo for comparison.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIDE = 6320  # 39.9 megapixels: just under the portal's limit of 40


def _drawing(mode, size):
    """A picture that compresses well (shapes on a plain ground), as the attack's PNG did."""
    from PIL import Image, ImageDraw

    base = Image.new("RGB", size, (240, 240, 235))
    draw = ImageDraw.Draw(base)
    for offset in range(0, max(size), 400):
        draw.rectangle((offset, offset, offset + 300, offset + 200), fill=(200, 30, 30))
        draw.line((0, offset, size[0], size[1] - offset), fill=(30, 30, 200), width=5)
    if mode == "RGBA":
        image = base.convert("RGBA")
        image.putalpha(Image.linear_gradient("L").resize(size))
        return image
    if mode == "P":
        return base.quantize(16)
    if mode == "I;16":
        gradient = Image.linear_gradient("L").resize(size).convert("I")
        return gradient.point(lambda v: v * 256).convert("I;16")
    return base


def _photo(size):
    """Something closer to a photograph: smooth gradients with noise, which JPEG keeps large."""
    from PIL import Image

    noise = Image.effect_noise(size, 40).convert("RGB")
    gradient = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
        ],
    )
    return Image.blend(gradient, noise, 0.15)


def _orientation(value):
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = value
    return exif


CASES = {
    "PNG 6320², RGB drawing (the attack)": lambda: (_drawing("RGB", (SIDE, SIDE)), "PNG", {}),
    "PNG 6320², RGBA": lambda: (_drawing("RGBA", (SIDE, SIDE)), "PNG", {}),
    "PNG 6320², palette": lambda: (_drawing("P", (SIDE, SIDE)), "PNG", {}),
    "PNG 6320², 16-bit grey": lambda: (_drawing("I;16", (SIDE, SIDE)), "PNG", {}),
    "WebP 6320², RGB": lambda: (_drawing("RGB", (SIDE, SIDE)), "WEBP", {"quality": 80}),
    "JPEG 6320², photo": lambda: (_photo((SIDE, SIDE)), "JPEG", {"quality": 75}),
    "JPEG 6320², photo, turned (EXIF 6)": lambda: (
        _photo((SIDE, SIDE)),
        "JPEG",
        {"quality": 75, "exif": _orientation(6)},
    ),
    "JPEG 4000 × 3000, photo (a phone's)": lambda: (_photo((4000, 3000)), "JPEG", {"quality": 85}),
    # The largest of each kind accepted since the limits by memory (MAX_DECODING_BYTES).
    "PNG 4096², RGBA": lambda: (_drawing("RGBA", (4096, 4096)), "PNG", {}),
    "PNG 5600², 16-bit grey": lambda: (_drawing("I;16", (5600, 5600)), "PNG", {}),
    "WebP 2048², RGB": lambda: (_drawing("RGB", (2048, 2048)), "WEBP", {"quality": 80}),
}


def write_inputs(folder, only):
    """Write each case's file; return [(name, path)]."""
    written = []
    for index, (name, make) in enumerate(CASES.items()):
        if only and only.lower() not in name.lower():
            continue
        image, image_format, options = make()
        path = Path(folder) / f"case-{index}.{image_format.lower()}"
        buffer = io.BytesIO()
        image.save(buffer, image_format, **options)
        path.write_bytes(buffer.getvalue())
        written.append((name, path))
    return written


def resident_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(path, threads):
    """In this (fresh) process: upload the file in `threads` threads at once; report as JSON."""
    import django
    from django.conf import settings

    media = tempfile.mkdtemp(prefix="iccar-bench-uploads-")
    settings.configure(MEDIA_ROOT=media, USE_I18N=False)
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from practices import uploads

    content = Path(path).read_bytes()
    outcomes = []

    def one():
        started = time.perf_counter()
        try:
            prepared = uploads.prepare_image(SimpleUploadedFile("upload", content))
            name, renditions = uploads.store_image(prepared)
            files = [name, *renditions.values()]
            stored = sum(os.path.getsize(Path(media) / each) for each in files)
            size = f"{prepared.width} × {prepared.height}"
            outcome = f"stored {size}, {stored // 1024} KB"
        except ValidationError as error:
            outcome = f"refused ({error.code})"
        outcomes.append((time.perf_counter() - started, outcome))

    before = resident_kb()
    started = time.perf_counter()
    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "bytes": len(content),
        "peak_mb": round((peak - before) / 1024),
        "wall_s": round(wall, 2),
        "slowest_s": round(max(seconds for seconds, _ in outcomes), 2),
        "outcome": sorted({outcome for _, outcome in outcomes}),
    }
    sys.stdout.write(json.dumps(result) + "\n")


def _run(arguments):
    command = [sys.executable, __file__, *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_case(path, threads):
    return _run(["--measure", str(path), "--threads", str(threads)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="uploads at once (default 4)")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--write-inputs", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure, options.threads)
        return
    if options.write_inputs:
        cases = write_inputs(options.write_inputs, options.only)
        sys.stdout.write(json.dumps([(name, str(path)) for name, path in cases]) + "\n")
        return
    sys.path.insert(0, str(ROOT))
    out = sys.stdout
    out.write(
        f"| case | file | 1 upload: peak MB | time s | {options.threads} at once: peak MB "
        "| wall s | outcome |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    with tempfile.TemporaryDirectory(prefix="iccar-bench-inputs-") as folder:
        # In a process of its own: Linux keeps a process's peak memory across fork and exec, so
        # the measuring processes must not be started by one that held the large inputs.
        for name, path in _run(["--write-inputs", folder, "--only", options.only]):
            single = run_case(path, 1)
            together = run_case(path, options.threads)
            out.write(
                f"| {name} | {single['bytes'] // 1024} KB | {single['peak_mb']} "
                f"| {single['wall_s']} | {together['peak_mb']} | {together['wall_s']} "
                f"| {'; '.join(single['outcome'])} |\n"
            )
            out.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
