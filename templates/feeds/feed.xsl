{% load static %}<?xml version="1.0" encoding="utf-8"?>
<!-- Turns our RSS and Atom feeds into a readable page when opened in a browser. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <!-- The XSLT processor adds the content-type meta itself. -->
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="{% static 'css/site.css' %}"/>
        <link rel="stylesheet" href="{% static 'feeds/feeds.css' %}"/>
      </head>
      <body>
        <main id="content" class="page feed-view">
          <p class="feed-view__notice">
            This is a feed of <strong>{{ newsroom_name }}</strong>. To follow it, copy this page’s address into your feed reader.
            <a href="{% url 'feeds:index' %}">About our feeds</a>.
          </p>
          <xsl:apply-templates select="/rss/channel | /atom:feed"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <h1><xsl:value-of select="title"/></h1>
    <p><xsl:value-of select="description"/></p>
    <p><a href="{link}">Visit the web page</a></p>
    <xsl:for-each select="item">
      <article class="feed-view__item">
        <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="feed-view__meta">
          <xsl:value-of select="pubDate"/>
          <xsl:for-each select="dc:creator"> · <xsl:value-of select="."/></xsl:for-each>
        </p>
        <p><xsl:value-of select="description" disable-output-escaping="yes"/></p>
      </article>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="atom:feed">
    <h1><xsl:value-of select="atom:title"/></h1>
    <p><xsl:value-of select="atom:subtitle"/></p>
    <p><a href="{atom:link[@rel='alternate']/@href}">Visit the web page</a></p>
    <xsl:for-each select="atom:entry">
      <article class="feed-view__item">
        <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="feed-view__meta">
          <xsl:value-of select="substring(atom:published, 1, 10)"/>
          <xsl:for-each select="atom:author"> · <xsl:value-of select="atom:name"/></xsl:for-each>
        </p>
        <p><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></p>
      </article>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
