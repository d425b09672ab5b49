# crawler: exported by `asim export python scenarios/crawler.yaml`
import asyncio

links = ({
    "/": ["/docs", "/blog", "/about"],
    "/docs": ["/docs/intro", "/docs/api", "/"],
    "/blog": ["/blog/1", "/blog/2", "/docs"],
    "/about": [],
    "/docs/intro": ["/docs/api"],
    "/docs/api": ["/docs/intro", "/broken"],
    "/blog/1": ["/blog/2"],
    "/blog/2": ["/"],
})
seen = set()


async def fetch(url):
    await asyncio.sleep(0.1 + 0.05 * len(url))
    if url not in links:
        raise LookupError(f"404 {url}")
    return links[url]


async def crawl(tg, url, slots):
    async with slots:
        try:
            found = await fetch(url)
        except LookupError as e:
            print(f"skip {url}: {e}")
            return
    print(f"{url} -> {len(found)} links")
    for link in found:
        if link not in seen:
            seen.add(link)
            tg.create_task(crawl(tg, link, slots), name=f"crawl {link}")


async def main():
    slots = asyncio.Semaphore(2)
    seen.add("/")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(crawl(tg, "/", slots), name="crawl /")
    print(f"crawled {len(seen)} pages: {sorted(seen)}")


asyncio.run(main())
