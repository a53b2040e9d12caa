//! A real browser for the server's public pages: Debian's Chromium, headless, driven through
//! chromedriver over WebDriver (the same client the desktop tests use).

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    pub client: Client,
    driver: Child,
    _port: crate::Port,
}

impl Browser {
    /// Headless Chromium with a window a phone's width would not need: 1024×900.
    pub async fn start() -> Result<Browser> {
        let port = crate::free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={}", port.number))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver (Debian: chromium-driver; ./dev test installs it)")?;
        let browser = Browser { client: connect(port.number).await?, driver, _port: port };
        browser.client.set_window_size(1024, 900).await?;
        Ok(browser)
    }

    /// Waits up to 10 s for `css` to match (a page still loading).
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        Ok(self.wait_for(css).await?.attr(name).await?)
    }

    /// Ends the session (Chromium quits), then chromedriver.
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }

    /// Saves a screenshot into the e2e output folder, for a person to look at.
    pub async fn look(&self, name: &str) -> Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(crate::output_dir().join(name), png)?;
        Ok(())
    }
}

async fn connect(port: u16) -> Result<Client> {
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"],
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.as_object().expect("object").clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Ok(c),
            Err(e) if Instant::now() > deadline => bail!("no WebDriver session with Chromium: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
