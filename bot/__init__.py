"""Bot: grounded, cited answers over the indexed notices (`Bot.ask` is the one entry point)."""
from bot.core import Answer, Bot, Citation

__all__ = ["Answer", "Bot", "Citation"]
