#version 330 core
// Cairo's ARGB32 pixels are premultiplied BGRA in memory; the texture is uploaded as BGRA.
in vec2 uv;
out vec4 color;
uniform sampler2D panels;
void main()
{
    color = texture(panels, uv);
}
