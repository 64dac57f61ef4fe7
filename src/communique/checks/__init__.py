"""Checks of the model's answers against the article, one module per output field. A check keeps an
answer or says why it is wrong; the model's answer stands unless the article shows it is wrong."""
