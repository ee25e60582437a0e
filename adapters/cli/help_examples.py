"""The examples that end every ``--help`` (Cog's ``Example:`` blocks, in cogmodel's words).

Plain text, imported by the parser: nothing here may cost start-up time.
"""

from __future__ import annotations

from typing import Final

_PREDICTION: Final = """\
  # Run the model with named inputs
  cogmodel {command} -i prompt="a photo of a cat"

  # Pass a file as input
  cogmodel {command} -i image=@photo.jpg

  # Save output to a file
  cogmodel {command} -i image=@input.jpg -o output.png

  # Run against a pre-built image
  cogmodel {command} r8.im/your-username/my-model -i prompt="hello"

  # Pass inputs as JSON
  echo '{{"prompt": "a cat"}}' | cogmodel {command} --json @-"""

EXAMPLES: Final = {
    "cogmodel": """\
  # Run the model in the current directory
  cogmodel run -i prompt="a photo of a cat"

  # Open a shell inside the model's environment
  cogmodel exec bash

  # What a model image is, without pulling it
  cogmodel inspect --remote r8.im/acme/resnet""",
    "build": """\
  # Build with default settings
  cogmodel build

  # Build and tag the image
  cogmodel build -t my-model:latest

  # Build without using the cache
  cogmodel build --no-cache

  # Build with model weights in a separate image
  cogmodel build --separate-weights -t my-model:v1""",
    "push": """\
  # Push to the image named in cog.yaml
  cogmodel push

  # Push to a registry of your own
  cogmodel push registry.example.com/acme/my-model:v1""",
    "inspect": """\
  # Look locally first, then in the registry
  cogmodel inspect r8.im/acme/resnet:v1

  # Ask the registry only (nothing is pulled)
  cogmodel inspect --remote --json r8.im/acme/resnet:v1

  # A local image by its id, as docker inspect takes it
  cogmodel inspect 7b793120ae3a""",
    "pull": """\
  # Bring a model image into the local engine
  cogmodel pull r8.im/acme/resnet:v1""",
    "run": _PREDICTION.format(command="run"),
    "predict": _PREDICTION.format(command="predict"),
    "train": """\
  # Train the model in the current directory
  cogmodel train -i corpus=@corpus.txt

  # Train a pre-built image and save the weights elsewhere
  cogmodel train r8.im/acme/vocab -i corpus=@corpus.txt -o my-weights""",
    "exec": """\
  # Open a Python interpreter inside the model environment
  cogmodel exec python

  # Run a script
  cogmodel exec python train.py

  # Run with environment variables
  cogmodel exec -e HUGGING_FACE_HUB_TOKEN=abc123 python download.py

  # Expose a port (e.g. for Jupyter)
  cogmodel exec -p 8888 jupyter notebook""",
    "serve": """\
  # Start the server on the default port (8393)
  cogmodel serve

  # Start on a custom port
  cogmodel serve -p 5000

  # Test the server
  curl http://localhost:8393/predictions -X POST \\
    -H 'Content-Type: application/json' -d '{"input": {"prompt": "a cat"}}'""",
    "init": """\
  # Set up a new Cog project in the current directory
  cogmodel init""",
    "login": """\
  # Log in to a registry, typing the password
  cogmodel login registry.example.com -u alice

  # Log in from a script
  echo "$PASSWORD" | cogmodel login registry.example.com -u alice --password-stdin""",
    "debug": """\
  # The Dockerfile 'cogmodel build' would build
  cogmodel debug

  # With the weights in their own image
  cogmodel debug --separate-weights --image-name my-model""",
    "ref": """\
  # How a reference parses
  cogmodel ref r8.im/acme/resnet:v1

  # As JSON, with a default registry for bare names
  cogmodel ref --json --default-registry r8.im acme/resnet""",
}


def epilog(command: str, extra: str = "") -> str:
    """The end of ``command``'s help: ``extra`` (if any), then its examples."""
    head = f"{extra}\n\n" if extra else ""
    return f"{head}Examples:\n{EXAMPLES[command]}\n"
