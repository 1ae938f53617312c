"""A distilled LoRA's recipe applied to a pipeline: its scheduler and call arguments."""

from __future__ import annotations

from dgx_pixels_app.core.errors import InvalidInputError, first_line
from dgx_pixels_app.core.speed import RECIPE_SCHEDULERS, Recipe


def find_recipe(recipe_id: str) -> Recipe | None:
    if not recipe_id:
        return None
    from dgx_pixels_app.resources import speed_data

    recipes = speed_data().recipes
    if recipe_id not in recipes:
        raise InvalidInputError(
            f"Unknown sampling recipe '{recipe_id}' (known: {', '.join(sorted(recipes))})."
        )
    return recipes[recipe_id]


def recipe_scheduler(recipe: Recipe, model_config: dict):
    """The recipe's scheduler, built from the model's own scheduler config; options it
    does not have, or values it cannot use, are one message naming the recipe."""
    import inspect

    import diffusers

    assert recipe.scheduler in RECIPE_SCHEDULERS  # checked when the data was read
    cls = getattr(diffusers, recipe.scheduler)
    where = f"presets/speed.toml: recipe '{recipe.id}'"
    known = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = sorted(set(recipe.scheduler_config) - known)
    if unknown:
        raise InvalidInputError(
            f"{where} sets '{unknown[0]}', which {recipe.scheduler} does not have."
        )
    try:
        scheduler = cls.from_config(model_config, **recipe.scheduler_config)
        if recipe.timesteps:
            scheduler.set_timesteps(timesteps=list(recipe.timesteps))
        else:
            scheduler.set_timesteps(recipe.steps)
    except (ValueError, TypeError, KeyError, AttributeError, RuntimeError, IndexError) as exc:
        raise InvalidInputError(
            f"{where} does not work with {recipe.scheduler}: {first_line(exc, 160)}"
        ) from exc
    return scheduler


def recipe_arguments(recipe: Recipe | None) -> dict:
    """Pipeline arguments beyond steps and CFG: fixed timesteps, eta."""
    if recipe is None:
        return {}
    args: dict = {}
    if recipe.timesteps:
        args["timesteps"] = list(recipe.timesteps)
    if recipe.eta is not None:
        args["eta"] = recipe.eta
    return args
