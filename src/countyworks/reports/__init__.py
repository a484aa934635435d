"""Statistical briefs (统计简报): each program writes its figures as sentences like the article's."""
