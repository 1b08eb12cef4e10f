"""Pictures and place: article thumbnails, the map of the communes, activity sparklines, sharing
tags, the sitemap and coverage at a glance."""
