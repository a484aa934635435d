def home_tiles(summaries, month, url):
    return []
