/// <reference types="webpack-dev-server" />
import {themes as prismThemes} from 'prism-react-renderer';
import type {Config, Plugin} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import runnableBlocks from './src/remark/runnable-blocks';

// This runs in Node.js - Don't use client-side code here (browser APIs, JSX...)

type PrismTheme = typeof prismThemes.github;

/** A Prism theme with some token colours replaced (WCAG AA: 4.5:1 on the theme's background). */
function recolored(theme: PrismTheme, colors: Record<string, string>): PrismTheme {
  return {
    ...theme,
    styles: theme.styles.map((s) =>
      s.style.color && colors[s.style.color] ? {...s, style: {...s.style, color: colors[s.style.color]}} : s,
    ),
  };
}

// GitHub's Prism colours reach only 2.6–4.3:1 on #f6f8fa (comments, variables, keywords, strings).
const lightCode = recolored(prismThemes.github, {
  '#999988': '#6a6a5a',
  '#e3116c': '#c0105c',
  '#36acaa': '#1b7672',
  '#00a4db': '#00739c',
  '#d73a49': '#c02d3c',
});
// Dracula's comments: 3.0:1 on #282a36.
const darkCode = recolored(prismThemes.dracula, {'rgb(98, 114, 164)': '#8f9dce'});

/**
 * `docusaurus start` only: forward /companion (the lab server's WebSocket and
 * status endpoint) to the companion server, so the page talks to it
 * same-origin as it does in production (where the companion serves build/).
 */
function companionDevProxy(): Plugin {
  const port = process.env.LAB_SERVER_PORT ?? '3001';
  return {
    name: 'companion-dev-proxy',
    configureWebpack(_config, isServer) {
      if (isServer || process.env.NODE_ENV !== 'development') return {};
      return {
        devServer: {
          proxy: [{context: ['/companion'], target: `http://127.0.0.1:${port}`, ws: true}],
        },
      };
    },
  };
}

const config: Config = {
  title: 'Docker Lab',
  tagline: 'Learn Docker by running it: build, log in and push from the page you are reading.',
  favicon: 'img/favicon.ico',

  future: {
    v4: true,
  },

  url: 'http://localhost',
  baseUrl: '/',

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {
    hooks: {onBrokenMarkdownLinks: 'throw'},
  },

  i18n: {
    defaultLocale: 'en',
    locales: ['en'],
  },

  presets: [
    [
      'classic',
      {
        docs: {
          sidebarPath: './sidebars.ts',
          // ```bash run``` / ```dockerfile run context="…"``` → <RunnableBlock>
          remarkPlugins: [[runnableBlocks, {lessonsDir: 'lessons'}]],
        },
        blog: false,
        theme: {
          customCss: './src/css/custom.css',
        },
      } satisfies Preset.Options,
    ],
  ],

  plugins: [companionDevProxy],

  themes: [
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexDocs: true,
        indexBlog: false,
        indexPages: false,
        docsRouteBasePath: '/docs',
        language: ['en'],
      },
    ],
  ],

  themeConfig: {
    colorMode: {
      respectPrefersColorScheme: true,
    },
    navbar: {
      title: 'Docker Lab',
      logo: {
        alt: 'Docker Lab',
        src: 'img/logo.svg',
      },
      items: [
        {
          type: 'docSidebar',
          sidebarId: 'guide',
          position: 'left',
          label: 'Guide',
        },
        {
          type: 'docSidebar',
          sidebarId: 'runningTheLab',
          position: 'left',
          label: 'Running the lab',
        },
      ],
    },
    footer: {
      style: 'dark',
      copyright: `Docker Lab: the lab's Docker guide, runnable.`,
    },
    prism: {
      theme: lightCode,
      darkTheme: darkCode,
      additionalLanguages: ['docker', 'bash'],
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
