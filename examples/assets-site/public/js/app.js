document.querySelector("h1").title = `built ${new Date(0).toISOString()}`;
