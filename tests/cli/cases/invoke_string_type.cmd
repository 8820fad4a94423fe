invoke text.upper text=42
