import type {SidebarsConfig} from '@docusaurus/plugin-content-docs';

/**
 * Two sidebars: the lessons, in reading order, and the pages for whoever runs the lab
 * (kept out of the lessons, which a newcomer reads top to bottom). Their URLs do not
 * depend on the sidebar: /docs/operators and /docs/performance stay where they were.
 */
const sidebars: SidebarsConfig = {
  guide: [
    'index',
    'prerequisites',
    'why-docker',
    'installing-docker',
    'terminology',
    'writing-a-dockerfile',
    'building',
    'logging-in-and-pushing',
    'what-comes-next',
    'troubleshooting',
  ],
  runningTheLab: [
    {
      type: 'category',
      label: 'Running the lab',
      collapsible: false,
      items: ['operators', 'performance'],
    },
  ],
};

export default sidebars;
